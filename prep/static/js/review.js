// The review screen's keyboard and reveal logic (no inline scripts: the CSP forbids them).
// Answers go as one fetch that returns the next card (the server's JSON reply carries the
// card's HTML, rendered by the same template as the page); without JavaScript the form
// posts and redirects as usual. Handlers are delegated to the document, so they keep
// working after a card is swapped in.
"use strict";
(() => {
  const byId = (id) => document.getElementById(id);
  let card;  // what the current card's page state is: a new object for every card shown

  const fresh = () => {
    card = { shownAt: performance.now(), revealed: false, sent: false, proposed: null, warned: false };
  };
  fresh();

  const submitForm = (id) => {
    const target = byId(id);
    if (target && !card.sent) { card.sent = true; target.requestSubmit(); }
  };

  const rate = (rating) => {
    const form = byId("answer-form");
    if (!card.revealed || !form || card.sent) return;
    form.requestSubmit(form.querySelector(`button[data-rating="${rating}"]`));
  };

  // Each answerable kind's check: marks what was right and wrong on the card, shows the
  // explanations, and returns [right, what was counted] ("2 of 4 steps in their place").
  const checkChoice = (review) => {
    const correct = new Set(review.dataset.correct.split(",").filter(Boolean));
    const chosen = new Set([...review.querySelectorAll("input[name=choice]:checked")].map((i) => i.value));
    const right = correct.size === chosen.size && [...correct].every((key) => chosen.has(key));
    review.querySelectorAll("li.option").forEach((li) => {
      const key = li.dataset.key;
      li.classList.add(correct.has(key) ? "is-correct" : chosen.has(key) ? "is-wrong" : "is-other");
      li.querySelector(".explanation").hidden = !li.querySelector(".explanation").textContent.trim();
      li.querySelector("input").disabled = true;
    });
    return [right, ""];
  };
  const freeze = (answer) => answer.querySelectorAll("select, button").forEach((control) => {
    control.disabled = true;
  });
  const checkOrdering = (review) => {
    const answer = byId("card-answer");
    const correct = answer.dataset.correct.split(",");
    const steps = [...answer.querySelectorAll("li.step")];
    let inPlace = 0;
    steps.forEach((step, index) => {
      const ok = step.dataset.key === correct[index];
      inPlace += ok ? 1 : 0;
      step.classList.add(ok ? "in-place" : "out-of-place");
      const mark = document.createElement("span");
      mark.className = "mark";
      mark.textContent = ok ? "✓ in its place" : "✗ out of place";
      step.querySelector(".step-text").append(mark);
    });
    answer.querySelector("ol.steps").dataset.locked = "1";
    freeze(answer);
    return [inPlace === steps.length, `${inPlace} of ${steps.length} steps in their place. `];
  };
  const checkMatching = (review) => {
    const answer = byId("card-answer");
    const correct = answer.dataset.correct.split(",");
    const pairs = [...answer.querySelectorAll("li.pair")];
    let right = 0;
    pairs.forEach((pair, index) => {
      const ok = pair.querySelector("select").value === correct[index];
      right += ok ? 1 : 0;
      pair.classList.add(ok ? "ok" : "bad");
      pair.querySelector(".pair-solution").hidden = false;
    });
    freeze(answer);
    return [right === pairs.length, `${right} of ${pairs.length} pairs right. `];
  };
  const checkers = { question: checkChoice, yesno: checkChoice, ordering: checkOrdering, matching: checkMatching };

  const check = (review, form) => {
    const [right, counted] = checkers[review.dataset.kind](review);
    byId("verdict").textContent = (right ? "Correct. " : `Not quite. ${counted}`) +
      `Proposed rating: ${right ? "Good" : "Again"} (press Enter to accept, or 1–4).`;
    card.proposed = right ? 3 : 1;
    const button = form.querySelector(`button[data-rating="${card.proposed}"]`);
    button.classList.add("proposed");
    button.focus({ preventScroll: true });
  };

  // "Choose two": how many are ticked, and one warning before checking with another count.
  const chosenCount = () => document.querySelectorAll("#options input[name=choice]:checked").length;
  const countChoices = () => {
    const counter = byId("choice-count");
    if (!counter) return;
    counter.textContent = `${chosenCount()} of ${counter.dataset.needed} chosen`;
    if (Number(counter.dataset.needed) === chosenCount()) byId("choice-warning").hidden = true;
  };
  const wrongCount = () => {
    const counter = byId("choice-count");
    if (!counter || card.warned || chosenCount() === Number(counter.dataset.needed)) return false;
    card.warned = true;
    const warning = byId("choice-warning");
    warning.textContent = `You chose ${chosenCount()} of ${counter.dataset.needed}. ` +
      "Choose again, or check the answer as it stands with another press.";
    warning.hidden = false;
    return true;
  };

  const show = () => {
    const review = byId("review");
    const form = byId("answer-form");
    if (card.revealed || !review) return;
    if (review.dataset.kind === "question" && wrongCount()) return;
    card.revealed = true;
    byId("answer").hidden = false;
    form.hidden = false;
    byId("reveal").hidden = true;
    if (checkers[review.dataset.kind]) check(review, form);
    else form.querySelector('button[data-rating="3"]').focus({ preventScroll: true });
  };

  const say = (message) => {
    document.querySelectorAll("main > .flash").forEach((flash) => flash.remove());
    if (!message) return;
    const flash = document.createElement("p");
    flash.className = "flash flash-warning";
    flash.setAttribute("role", "status");
    flash.textContent = message;
    byId("review").before(flash);
  };

  const showNext = (reply) => {
    if (!reply.next) { window.location.assign(window.location.pathname); return; }  // done
    byId("review").outerHTML = reply.next.html;
    fresh();
    say(reply.message);
  };

  // On a network or server failure the form posts as usual: the same review id, so the
  // server stores the answer once even when the failed fetch did reach it.
  const postPlainly = (form, rating) => {
    const field = document.createElement("input");
    Object.assign(field, { type: "hidden", name: "rating", value: rating });
    form.append(field);
    form.submit();
  };

  const send = (form, rating) => {
    const body = new URLSearchParams(new FormData(form));
    body.set("rating", rating);
    const token = document.querySelector("meta[name=csrf-token]").content;
    fetch(form.action, {
      method: "POST", body, credentials: "same-origin",
      headers: { Accept: "application/json", "X-CSRFToken": token },
    })
      .then((response) => (response.ok || response.status === 409
        ? response.json() : Promise.reject(new Error(String(response.status)))))
      .then(showNext)
      .catch(() => postPlainly(form, rating));
  };

  document.addEventListener("click", (event) => {
    if (event.target.closest("#reveal")) show();
  });
  document.addEventListener("change", (event) => {
    if (event.target.name === "choice") countChoices();
  });

  document.addEventListener("submit", (event) => {
    const form = event.target;
    if (form.id !== "answer-form") return;
    // One answer per card: a double click or key repeat sends nothing more. (The server
    // would store a repeat only once anyway: the form carries one review id.)
    event.preventDefault();
    if (form.dataset.sent) return;
    form.dataset.sent = "1";
    card.sent = true;
    byId("duration").value ||= String(Math.round(performance.now() - card.shownAt));
    const rating = event.submitter && event.submitter.value;
    if (rating) send(form, rating);
  });

  document.addEventListener("keydown", (event) => {
    if (event.altKey || event.metaKey || window.keyBelongsToControl(event)) return;
    const review = byId("review");
    const key = event.key;
    if ((key === "z" || key === "Z") && event.ctrlKey) { event.preventDefault(); submitForm("undo-form"); return; }
    if (event.ctrlKey) return;
    if (key === " " || key === "Enter") {
      event.preventDefault();
      if (!card.revealed) show();
      else rate(card.proposed !== null ? card.proposed : 3);
      return;
    }
    if (!card.revealed && review && ["question", "yesno"].includes(review.dataset.kind) && /^[1-6]$/.test(key)) {
      // Before the answer is shown, digits pick options (1 = A, 2 = B, ...).
      event.preventDefault();
      const input = review.querySelectorAll("input[name=choice]")[Number(key) - 1];
      if (input) input.checked = input.type === "radio" ? true : !input.checked;
      countChoices();
      return;
    }
    if (["1", "2", "3", "4"].includes(key)) { event.preventDefault(); rate(Number(key)); return; }
    const lower = key.toLowerCase();
    if (lower === "u") { submitForm("undo-form"); return; }
    if (!review) return;
    if (lower === "b") submitForm("bury-form");
    else if (lower === "s") submitForm("suspend-form");
    else if (lower === "f") submitForm("flag-form");
    else if (lower === "e") window.location.assign(byId("edit-link").href);
  });
})();
