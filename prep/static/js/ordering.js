// Ordering items (exam screen and review card): move a step with its Up and Down buttons,
// with Alt+ArrowUp / Alt+ArrowDown while one of its controls has focus, by choosing its
// place in its select, or (a bonus for a mouse) by dragging it onto another step. The list's order and the places posted stay in step; each move is
// announced in the list's live region. Without this script the selects alone set the order.
// Handlers are delegated to the document: the review swaps cards in without a reload.
"use strict";
document.documentElement.classList.add("js-ordering");
(() => {
  const stepsOf = (list) => [...list.querySelectorAll(":scope > li.step")];
  const textOf = (step) => step.querySelector(".step-text").textContent.trim();

  const renumber = (list) => {
    stepsOf(list).forEach((step, index) => {
      step.querySelector("select.step-place").value = String(index + 1);
    });
  };

  const announce = (list, step) => {
    const status = document.getElementById(list.dataset.status);
    const steps = stepsOf(list);
    if (status) {
      status.textContent = `“${textOf(step)}” moved to place ${steps.indexOf(step) + 1} of ${steps.length}.`;
    }
  };

  // Move ``step`` to ``index`` (0-based, clamped); keep focus on ``focus``; true if it moved.
  const move = (step, index, focus) => {
    const list = step.closest("ol.steps");
    if (!list || list.dataset.locked) return false;
    const steps = stepsOf(list);
    const target = Math.max(0, Math.min(steps.length - 1, index));
    const from = steps.indexOf(step);
    if (target === from) return false;
    const others = steps.filter((s) => s !== step);
    list.insertBefore(step, others[target] || null);
    renumber(list);
    announce(list, step);
    step.classList.add("moved");
    setTimeout(() => step.classList.remove("moved"), 600);
    if (focus) focus.focus();
    return true;
  };

  const changed = (step) => {
    const form = step.closest("form");
    if (form) form.dispatchEvent(new Event("change", { bubbles: true }));
  };

  document.addEventListener("click", (event) => {
    const button = event.target.closest("ol.steps button.move");
    if (!button) return;
    const step = button.closest("li.step");
    const steps = stepsOf(step.closest("ol.steps"));
    if (move(step, steps.indexOf(step) + Number(button.dataset.move), button)) changed(step);
  });

  // Captured before the form's own change handlers (the autosave): by then the places are
  // a permutation again, the chosen place kept and the others shifted.
  document.addEventListener("change", (event) => {
    const select = event.target.closest && event.target.closest("select.step-place");
    if (!select) return;
    const step = select.closest("li.step");
    const wanted = Number(select.value) - 1;
    if (!move(step, wanted, select)) renumber(step.closest("ol.steps"));
  }, true);

  // Drag and drop, a bonus for a mouse: a step dropped on another takes its place.
  let dragged = null;
  const stepAt = (event) => event.target.closest && event.target.closest("ol.steps li.step");
  document.addEventListener("dragstart", (event) => {
    const step = stepAt(event);
    if (!step || step.closest("ol.steps").dataset.locked) return;
    dragged = step;
    event.dataTransfer.effectAllowed = "move";
    event.dataTransfer.setData("text/plain", step.dataset.key);
    step.classList.add("dragging");
  });
  document.addEventListener("dragover", (event) => {
    const over = stepAt(event);
    if (dragged && over && over.parentElement === dragged.parentElement) event.preventDefault();
  });
  document.addEventListener("drop", (event) => {
    const over = stepAt(event);
    if (!dragged || !over || over.parentElement !== dragged.parentElement) return;
    event.preventDefault();
    const step = dragged;
    if (move(step, stepsOf(step.closest("ol.steps")).indexOf(over), null)) changed(step);
  });
  document.addEventListener("dragend", () => {
    if (dragged) dragged.classList.remove("dragging");
    dragged = null;
  });

  document.addEventListener("keydown", (event) => {
    if (!event.altKey || event.ctrlKey || event.metaKey) return;
    if (event.key !== "ArrowUp" && event.key !== "ArrowDown") return;
    const step = event.target.closest && event.target.closest("ol.steps li.step");
    if (!step) return;
    event.preventDefault();  // a select would open its list on Alt+ArrowDown
    event.stopPropagation();
    const steps = stepsOf(step.closest("ol.steps"));
    const by = event.key === "ArrowUp" ? -1 : 1;
    if (move(step, steps.indexOf(step) + by, event.target)) changed(step);
  }, true);
})();
