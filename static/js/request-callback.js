/* The 回访 form of a service request's admin page (templates/admin/crm/servicerequest/change_form.html).
   不满意 reopens a resolved or closed request (request_record_callback): ask before, naming what will happen. */
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    var form = document.getElementById("zj-callback-form");
    if (!form) { return; }
    form.addEventListener("submit", function (event) {
      var chosen = form.querySelector("input[name=result]:checked");
      if (chosen && chosen.value === "unsatisfied" && !window.confirm(form.getAttribute("data-reopen"))) {
        event.preventDefault();
      }
    });
  });
})();
