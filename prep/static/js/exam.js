// Exam screens: the countdown (the server's clock is the truth), autosave, keyboard keys.
"use strict";
(() => {
  const exam = document.getElementById("exam");
  const clock = document.getElementById("clock");
  const form = document.getElementById("answer-form");

  if (clock) {
    const warnings = [1800, 900, 300];
    const total = Number(clock.dataset.total);
    let deadline = performance.now() + Number(clock.dataset.remaining) * 1000;
    let warned = new Set(warnings.filter((w) => w >= Number(clock.dataset.remaining) || w >= total));
    let submitted = false;
    const text = document.getElementById("clock-text");
    const banner = document.getElementById("time-warning");
    const pad = (n) => String(n).padStart(2, "0");
    const tick = () => {
      const left = Math.max(0, Math.round((deadline - performance.now()) / 1000));
      text.textContent = `${Math.floor(left / 3600)}:${pad(Math.floor((left % 3600) / 60))}:${pad(left % 60)}`;
      for (const limit of warnings) {
        if (left <= limit && !warned.has(limit)) {
          warned.add(limit);
          banner.textContent = `${limit / 60} minutes left.`;
          banner.hidden = false;
        }
      }
      if (left <= 60) clock.classList.add("urgent");
      if (left === 0 && !submitted) {
        submitted = true;  // time is up: the page submits itself; the server grades anyway
        document.getElementById("timeout-form").submit();
      }
    };
    const resync = async () => {
      try {
        const response = await fetch(clock.dataset.clockUrl, { headers: { Accept: "application/json" } });
        const state = await response.json();
        if (state.status !== "open") { window.location.reload(); return; }
        deadline = performance.now() + state.remaining * 1000;
      } catch (error) { /* offline for a moment: keep counting locally */ }
    };
    tick();
    setInterval(tick, 1000);
    setInterval(resync, 30000);
    document.addEventListener("visibilitychange", () => { if (!document.hidden) resync(); });
  }

  // Whether the form holds an answer worth saving: an option chosen; for a matching, one
  // prompt matched at least; an ordering's steps always have an order.
  const hasAnswer = (data) => {
    const kind = exam.dataset.kind;
    if (kind === "ordering") return true;
    if (kind === "matching") {
      return [...data.entries()].some(([name, value]) => name.startsWith("match-") && value);
    }
    return data.getAll("choice").length > 0;
  };

  // One save at a time, the latest state last: moves of an ordering come quicker than
  // the replies, and an older order must never be stored after a newer one.
  let saving = false;
  let pending = false;
  const save = async () => {
    if (!form || exam.dataset.mode !== "exam") return;
    if (saving) { pending = true; return; }
    const state = document.getElementById("save-state");
    const data = new FormData(form);
    if (!hasAnswer(data)) return;
    saving = true;
    state.textContent = "Saving…";
    try {
      const response = await fetch(exam.dataset.answerUrl, {
        method: "POST", body: data, headers: { Accept: "application/json" },
      });
      const result = await response.json();
      if (response.ok) {
        state.textContent = "Answer saved.";
        const cell = document.querySelector(".question-grid .current");
        if (cell) cell.classList.add("answered");
      } else {
        state.textContent = result.error || "Not saved.";
        if (response.status === 409) window.location.reload();
      }
    } catch (error) {
      state.textContent = "Not saved (connection lost): it will be saved when you press Save.";
    } finally {
      saving = false;
      if (pending) { pending = false; save(); }
    }
  };

  if (form) form.addEventListener("change", save);

  // "Choose two": count the ticks; moving on with some ticked but not as many as asked
  // warns once (a second try goes on: a question may be left for later on purpose).
  const counter = document.getElementById("choice-count");
  let warned = false;
  const chosen = () => (form ? form.querySelectorAll("input[name=choice]:checked").length : 0);
  const needed = () => Number(counter.dataset.needed);
  if (counter && form) {
    form.addEventListener("change", () => {
      counter.textContent = `${chosen()} of ${needed()} chosen`;
      if (chosen() === needed()) document.getElementById("choice-warning").hidden = true;
    });
  }
  const mayLeave = () => {
    if (!counter || warned || chosen() === 0 || chosen() === needed()) return true;
    warned = true;
    const warning = document.getElementById("choice-warning");
    warning.textContent = `You chose ${chosen()} of ${needed()}: as it stands this question ` +
      "scores nothing. Choose again, or move on again to leave it so.";
    warning.hidden = false;
    warning.scrollIntoView({ block: "nearest" });
    return false;
  };
  document.addEventListener("click", (event) => {
    const link = event.target.closest("a[href], #save-answer");
    if (link && exam && exam.contains(link) && !mayLeave()) event.preventDefault();
  });

  document.addEventListener("keydown", (event) => {
    if (event.ctrlKey || event.altKey || event.metaKey || !exam || !exam.dataset.position) return;
    if (window.keyBelongsToControl(event)) return;
    const key = event.key.toLowerCase();
    const go = (id) => {
      const link = document.getElementById(id);
      if (link && mayLeave()) window.location.assign(link.href);
    };
    if (event.shiftKey && /^Digit[1-6]$/.test(event.code)) {
      const button = document.querySelectorAll(".strike")[Number(event.code.slice(5)) - 1];
      if (button) button.click();
    } else if (/^[1-6]$/.test(key) && form) {
      const input = form.querySelectorAll("input[name=choice]")[Number(key) - 1];
      if (input && !input.disabled) {
        input.checked = input.type === "radio" ? true : !input.checked;
        input.dispatchEvent(new Event("change", { bubbles: true }));
      }
    } else if (key === "n" || key === "arrowright") go("next");
    else if (key === "p" || key === "arrowleft") go("prev");
    else if (key === "r") go("to-review");
    else if (key === "f" && document.getElementById("flag-form")) {
      document.getElementById("flag-form").requestSubmit();
    }
  });
})();

// The review screen: show all, answered, unanswered or flagged questions (the list is whole
// without the script; the filter buttons appear with it).
(() => {
  const bar = document.getElementById("review-filters");
  const list = document.getElementById("review-questions");
  if (!bar || !list) return;
  const matches = {
    all: () => true,
    answered: (li) => li.dataset.state === "answered",
    unanswered: (li) => li.dataset.state === "unanswered",
    flagged: (li) => li.dataset.flagged === "yes",
    locked: (li) => li.dataset.locked === "yes",
  };
  bar.hidden = false;
  bar.addEventListener("click", (event) => {
    const button = event.target.closest("button[data-filter]");
    if (!button) return;
    bar.querySelectorAll("button").forEach((b) => b.setAttribute("aria-pressed", String(b === button)));
    let shown = 0;
    list.querySelectorAll("li").forEach((li) => {
      li.hidden = !matches[button.dataset.filter](li);
      shown += li.hidden ? 0 : 1;
    });
    document.getElementById("review-none").hidden = shown > 0;
  });
})();

// Strike-through: options the user has ruled out, kept in sessionStorage under the attempt
// (a visual aid that never affects the score: no request, no write, gone when the tab closes
// or the report opens).
const strikeStore = (attempt) => {
  const name = `prep.strike.${attempt}`;
  const read = () => { try { return JSON.parse(sessionStorage.getItem(name)) || {}; } catch (e) { return {}; } };
  return {
    get: (position) => read()[position] || [],
    set: (position, keys) => {
      const all = read();
      all[position] = keys;
      sessionStorage.setItem(name, JSON.stringify(all));
    },
  };
};
(() => {
  const exam = document.getElementById("exam");
  const buttons = document.querySelectorAll(".strike");
  if (!exam || !exam.dataset.position || !buttons.length) return;
  const store = strikeStore(exam.dataset.attempt);
  const position = exam.dataset.position;
  const struck = new Set(store.get(position));
  const show = (button) => {
    const on = struck.has(button.dataset.key);
    button.setAttribute("aria-pressed", String(on));
    button.closest(".option").classList.toggle("struck", on);
  };
  buttons.forEach((button) => {
    button.hidden = false;
    show(button);
    button.addEventListener("click", () => {
      if (struck.has(button.dataset.key)) struck.delete(button.dataset.key);
      else struck.add(button.dataset.key);
      store.set(position, [...struck]);
      show(button);
    });
  });
})();

// A case study's scenario: a panel beside the questions on a wide screen; on a phone a fold
// above the question, open on the case's first question and closed (one tap away) after.
(() => {
  const panel = document.getElementById("case-panel");
  if (!panel) return;
  const narrow = window.matchMedia("(max-width: 56rem)");
  const fit = () => { panel.open = !narrow.matches || panel.dataset.first === "yes"; };
  fit();
  narrow.addEventListener("change", fit);
})();
