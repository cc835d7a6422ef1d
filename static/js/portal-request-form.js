/* New-request form: show only the chosen category's own fields. Without this script every
   category's fieldset is shown and the server reads only the chosen one. */
(function () {
  "use strict";
  var select = document.querySelector(".request-form select[name=category]");
  if (!select) { return; }
  var sets = document.querySelectorAll(".request-form fieldset[data-category]");
  function sync() {
    for (var i = 0; i < sets.length; i++) {
      var on = sets[i].getAttribute("data-category") === select.value;
      sets[i].hidden = !on;
      sets[i].disabled = !on;
    }
  }
  select.addEventListener("change", sync);
  sync();
})();
