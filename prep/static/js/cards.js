// The card browser: "tick all" for the page, a count of the ticked cards, and only the
// fields the chosen bulk action needs (without scripts every field shows; the server
// ignores the ones an action does not use).
"use strict";
(() => {
  const all = document.getElementById("pick-all");
  const count = document.getElementById("bulk-count");
  const action = document.getElementById("bulk-action");
  if (!all || !count || !action) return;
  const boxes = () => [...document.querySelectorAll("input[name=card][form=bulk-form]")];
  const fields = {
    "add-tag": ["bulk-tag-field"],
    "remove-tag": ["bulk-tag-field"],
    move: ["bulk-deck-field", "move-hint"],
  };
  const optional = ["bulk-tag-field", "bulk-deck-field", "move-hint"];
  const show = () => {
    const ticked = boxes().filter((box) => box.checked);
    // A move leaves cards of shared decks where they are: say how many, before it runs.
    const shared = ticked.filter((box) => !box.closest("tr").hasAttribute("data-own")).length;
    let text = ticked.length ? `${ticked.length} ticked` : "";
    if (action.value === "move" && shared) text += ` · ${shared} in shared decks will be skipped`;
    count.textContent = text;
    all.checked = ticked.length > 0 && ticked.length === boxes().length;
    all.indeterminate = ticked.length > 0 && ticked.length < boxes().length;
    const wanted = fields[action.value] || [];
    optional.forEach((id) => {
      const element = document.getElementById(id);
      if (element) element.hidden = !wanted.includes(id);
    });
  };
  all.addEventListener("change", () => { boxes().forEach((box) => { box.checked = all.checked; }); show(); });
  document.addEventListener("change", (event) => { if (event.target.name === "card") show(); });
  action.addEventListener("change", show);
  show();
})();
