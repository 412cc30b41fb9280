// The exam report: "Expand all" opens every folded question; a filter applies when changed.
"use strict";
(() => {
  const toggle = document.getElementById("expand-all");
  const list = document.getElementById("question-list");
  if (toggle && list) {
    const questions = () => list.querySelectorAll("details.report-question");
    const sync = () => {
      const open = [...questions()].every((d) => d.open);
      toggle.textContent = open ? "Collapse all" : "Expand all";
      toggle.setAttribute("aria-expanded", String(open));
    };
    toggle.hidden = questions().length === 0;
    toggle.addEventListener("click", () => {
      const open = toggle.getAttribute("aria-expanded") !== "true";
      questions().forEach((d) => { d.open = open; });
      sync();
    });
    list.addEventListener("toggle", sync, true);
    sync();
  }
  const report = document.getElementById("report");
  // The attempt is over: its struck-out options (see exam.js) are no longer needed.
  if (report) sessionStorage.removeItem(`prep.strike.${report.dataset.attempt}`);
  const filters = document.getElementById("report-filters");
  if (filters) filters.addEventListener("change", () => filters.requestSubmit());
})();
