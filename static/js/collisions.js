/* 撞单 while typing: on the project form (enterprise and owner chosen) and on the enterprise form, also as the
   "+" quick-add popup (name and credit code typed), ask admin:crm_project_collisions and show the other
   officers' active projects on the same company — owner, stage and why it matched — above the form.
   The panel is #zj-collision-live (templates/admin/crm/_collisions.html); text is set with textContent. */
(function () {
  "use strict";
  var panel = document.getElementById("zj-collision-live");
  if (!panel || !window.fetch) { return; }
  var url = panel.getAttribute("data-url");
  var isProject = panel.getAttribute("data-model") === "project";
  var fields = isProject ? ["id_enterprise", "id_owner"] : ["id_name", "id_credit_code"];
  var timer = null;
  var asked = null;

  function value(id) {
    var el = document.getElementById(id);
    return el ? (el.value || "").trim() : "";
  }

  function question() {
    var params = new URLSearchParams();
    if (isProject) {
      if (!value("id_enterprise")) { return null; }
      params.set("enterprise", value("id_enterprise"));
      if (value("id_owner")) { params.set("owner", value("id_owner")); }
      if (panel.getAttribute("data-project")) { params.set("project", panel.getAttribute("data-project")); }
    } else {
      if (!value("id_name") && !value("id_credit_code")) { return null; }
      params.set("name", value("id_name"));
      params.set("credit_code", value("id_credit_code"));
    }
    return params.toString();
  }

  function show(answer) {
    var saved = document.getElementById("zj-collision-saved");
    if (saved) { saved.hidden = true; }  // the live answer replaces the one rendered with the page
    panel.textContent = "";
    if (!answer.results.length) { panel.hidden = true; return; }
    var title = document.createElement("h2");
    title.textContent = answer.title;
    var list = document.createElement("ul");
    answer.results.forEach(function (row) {
      var item = document.createElement("li");
      item.textContent = row.text;
      item.setAttribute("data-project", row.project);
      list.appendChild(item);
    });
    panel.appendChild(title);
    panel.appendChild(list);
    panel.hidden = false;
  }

  function ask() {
    var q = question();
    if (q === asked) { return; }
    asked = q;
    if (q === null) { panel.hidden = true; panel.textContent = ""; return; }
    fetch(url + "?" + q, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (response) { return response.ok ? response.json() : { results: [] }; })
      .then(function (answer) { if (q === asked) { show(answer); } })
      .catch(function () { /* a warning, never a blocker: no panel */ });
  }

  function soon() {
    window.clearTimeout(timer);
    timer = window.setTimeout(ask, 300);
  }

  fields.forEach(function (id) {
    var el = document.getElementById(id);
    if (!el) { return; }
    el.addEventListener("input", soon);
    el.addEventListener("change", soon);
    // The admin's autocomplete (select2) announces a choice through jQuery only.
    if (window.django && window.django.jQuery) { window.django.jQuery(el).on("change", soon); }
  });
  soon();  // a form opened with an enterprise chosen or a name already typed (the popup)
})();
