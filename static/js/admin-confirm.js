// A button marked data-confirm-button="…" (批准延期, 转办, 退回, 办结 on a request's admin page) asks before its form is
// sent; Cancel sends nothing. No inline script (CSP).
(function () {
  "use strict";
  document.addEventListener("submit", function (event) {
    var button = event.submitter;
    var question = button && button.getAttribute && button.getAttribute("data-confirm-button");
    if (question && !window.confirm(question)) {
      event.preventDefault();
    }
  }, true);
})();
