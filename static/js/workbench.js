/* The workbench (/admin/, templates/admin/index.html): 记录跟进 from a row without leaving the page.
 *
 * Each row's form posts with fetch() (the form's own csrfmiddlewaretoken travels in the FormData) to the admin's
 * JSON view, which calls follow_up_create. On success every row of that project (it may be in two panels) shows
 * the new dates and next step; on a refusal the service's message is shown under the row (an answer that is not
 * JSON — a lost connection, an expired session sent to the login page — says so). Without this script the
 * same form posts normally and the server redirects back to the workbench with a message.
 */
(function () {
  "use strict";

  function setField(row, name, value) {
    row.querySelectorAll('[data-field="' + name + '"]').forEach(function (cell) {
      cell.textContent = value;
      cell.classList.remove("zj-late");
    });
  }

  function showStatus(row, text, ok) {
    var status = row.querySelector(".zj-row-status");
    if (!status) return;
    status.textContent = text;
    status.classList.toggle("zj-ok", ok === true);
    status.classList.toggle("zj-error", ok === false);
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!(form instanceof HTMLFormElement) || !form.classList.contains("zj-quick-form")) return;
    if (!window.fetch || !window.FormData) return; // the plain post still works
    event.preventDefault();
    var row = form.closest(".zj-row");
    var page = document.querySelector(".zj-wb");
    var button = form.querySelector('button[type="submit"]');
    button.disabled = true;
    showStatus(row, page.dataset.saving);
    fetch(form.action, {
      method: "POST",
      body: new FormData(form),
      credentials: "same-origin",
      headers: { Accept: "application/json" },
    })
      .then(function (response) {
        return response.json();
      })
      .then(function (data) {
        button.disabled = false;
        if (!data.ok) {
          showStatus(row, data.message, false);
          return;
        }
        document.querySelectorAll('.zj-row[data-project="' + data.project + '"]').forEach(function (each) {
          setField(each, "followed_up_on", data.followed_up_on);
          setField(each, "next_follow_up_on", data.next_follow_up_on || "—");
          setField(each, "next_step", data.next_step || "—");
          each.classList.add("zj-row-done");
          var details = each.querySelector("details.zj-quick");
          if (details) details.open = false;
          showStatus(each, data.message, true);
        });
        form.reset();
      })
      .catch(function () {
        button.disabled = false;
        showStatus(row, page.dataset.failed, false);
      });
  });
})();
