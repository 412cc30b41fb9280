// The review screen's keyboard and reveal logic (no inline scripts: the CSP forbids them).
"use strict";
(() => {
  const shownAt = performance.now();
  const review = document.getElementById("review");
  const form = document.getElementById("answer-form");
  const reveal = document.getElementById("reveal");
  let revealed = false;
  let submitted = false;
  let proposed = null;

  const submitForm = (id) => {
    const target = document.getElementById(id);
    if (target && !submitted) { submitted = true; target.requestSubmit(); }
  };

  const rate = (rating) => {
    if (!revealed || !form || form.dataset.sent) return;
    form.requestSubmit(form.querySelector(`button[data-rating="${rating}"]`));
  };

  const checkQuestion = () => {
    const correct = new Set(review.dataset.correct.split(",").filter(Boolean));
    const chosen = new Set([...review.querySelectorAll("input[name=choice]:checked")].map((i) => i.value));
    const right = correct.size === chosen.size && [...correct].every((key) => chosen.has(key));
    review.querySelectorAll("li.option").forEach((li) => {
      const key = li.dataset.key;
      li.classList.add(correct.has(key) ? "is-correct" : chosen.has(key) ? "is-wrong" : "is-other");
      li.querySelector(".explanation").hidden = false;
      li.querySelector("input").disabled = true;
    });
    document.getElementById("verdict").textContent = right
      ? "Correct. Proposed rating: Good (press Enter to accept, or 1–4)."
      : "Not quite. Proposed rating: Again (press Enter to accept, or 1–4).";
    proposed = right ? 3 : 1;
    const button = form.querySelector(`button[data-rating="${proposed}"]`);
    button.classList.add("proposed");
    button.focus();
  };

  const show = () => {
    if (revealed || !review) return;
    revealed = true;
    document.getElementById("answer").hidden = false;
    form.hidden = false;
    reveal.hidden = true;
    if (review.dataset.kind === "question") checkQuestion();
    else form.querySelector('button[data-rating="3"]').focus();
  };

  if (reveal) reveal.addEventListener("click", show);
  if (form) form.addEventListener("submit", (event) => {
    // One answer per page: a double click or key repeat sends nothing more. (The server
    // would store a repeat only once anyway: the form carries one review id.)
    if (form.dataset.sent) { event.preventDefault(); return; }
    form.dataset.sent = "1";
    submitted = true;
    document.getElementById("duration").value ||= String(Math.round(performance.now() - shownAt));
  });

  document.addEventListener("keydown", (event) => {
    if (event.altKey || event.metaKey) return;
    const tag = (event.target.tagName || "").toLowerCase();
    if (tag === "textarea" || (tag === "input" && event.target.type === "text")) return;
    const key = event.key;
    if ((key === "z" || key === "Z") && event.ctrlKey) { event.preventDefault(); submitForm("undo-form"); return; }
    if (event.ctrlKey) return;
    if (key === " " || key === "Enter") {
      event.preventDefault();
      if (!revealed) show();
      else if (proposed !== null) rate(proposed);
      else rate(3);
      return;
    }
    if (!revealed && review && review.dataset.kind === "question" && /^[1-6]$/.test(key)) {
      // Before the answer is shown, digits pick options (1 = A, 2 = B, ...).
      event.preventDefault();
      const input = review.querySelectorAll("input[name=choice]")[Number(key) - 1];
      if (input) input.checked = input.type === "radio" ? true : !input.checked;
      return;
    }
    if (["1", "2", "3", "4"].includes(key)) { event.preventDefault(); rate(Number(key)); return; }
    const lower = key.toLowerCase();
    if (lower === "u") { submitForm("undo-form"); return; }
    if (!review) return;
    if (lower === "b") submitForm("bury-form");
    else if (lower === "s") submitForm("suspend-form");
    else if (lower === "f") submitForm("flag-form");
    else if (lower === "e") window.location.assign(document.getElementById("edit-link").href);
  });
})();
