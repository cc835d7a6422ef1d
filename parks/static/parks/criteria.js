/* 申报条件 rows in the admin: show only what the chosen kind needs.
 * Number for the 最低… kinds, a park for 注册在指定园区, and for the other kinds only their own group of options.
 * The server checks all of it again (EligibilityCriterion.clean); this only keeps the row readable. */
(function () {
  "use strict";
  var NUMBER = ["min_investment", "min_fixed_asset", "min_headcount", "min_rd_headcount",
                "min_revenue", "min_tax", "min_rd_ratio", "min_tax_per_mu"];

  function cell(row, name) {
    return row.querySelector("td.field-" + name) || row.querySelector(".field-" + name);
  }

  function refresh(row) {
    var kind = row.querySelector("select[name$='-kind']");
    var choice = row.querySelector("select[name$='-choice']");
    if (!kind || !choice) { return; }
    var groups = JSON.parse(choice.getAttribute("data-groups") || "{}");
    var value = kind.value;
    var wanted = groups[value];
    Array.prototype.forEach.call(choice.querySelectorAll("optgroup"), function (group) {
      var show = group.label === wanted;
      group.hidden = !show;
      Array.prototype.forEach.call(group.querySelectorAll("option"), function (option) { option.disabled = !show; });
    });
    if (choice.selectedOptions.length && choice.selectedOptions[0].disabled) { choice.value = ""; }
    var uses = { choice: !!wanted, number: NUMBER.indexOf(value) !== -1, park: value === "in_park" };
    Object.keys(uses).forEach(function (name) {
      var td = cell(row, name);
      if (td) { td.classList.toggle("zj-unused", !!value && !uses[name]); }
    });
  }

  function bind(row) {
    var kind = row.querySelector("select[name$='-kind']");
    if (!kind || kind.dataset.zjBound) { return; }
    kind.dataset.zjBound = "1";
    kind.addEventListener("change", function () { refresh(row); });
    refresh(row);
  }

  function rows() {
    return document.querySelectorAll(".zj-criteria tr.form-row, .zj-criteria .inline-related");
  }

  document.addEventListener("DOMContentLoaded", function () { Array.prototype.forEach.call(rows(), bind); });
  document.addEventListener("formset:added", function (event) { bind(event.target); });
})();
