/* The 回复 form of a service request's admin page (templates/admin/crm/servicerequest/change_form.html).
   The reply is its own form, so sending it never submits the change form below; if that form has unsaved
   edits (the approval steps), ask first, since coming back from the reply reloads the page without them. */
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    var reply = document.getElementById("zj-reply-form");
    var change = document.getElementById("servicerequest_form");
    if (!reply || !change) { return; }
    var dirty = false;
    function mark() { dirty = true; }
    change.addEventListener("input", mark);
    change.addEventListener("change", mark);
    reply.addEventListener("submit", function (event) {
      if (dirty && !window.confirm(reply.getAttribute("data-unsaved"))) {
        event.preventDefault();
      }
    });
  });
})();
