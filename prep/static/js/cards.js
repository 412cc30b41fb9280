// The card browser: "tick all" for the page, and a count of the ticked cards.
"use strict";
(() => {
  const all = document.getElementById("pick-all");
  const count = document.getElementById("bulk-count");
  if (!all || !count) return;
  const boxes = () => document.querySelectorAll("input[name=card][form=bulk-form]");
  const show = () => {
    const ticked = [...boxes()].filter((box) => box.checked).length;
    count.textContent = ticked ? `${ticked} ticked` : "";
    all.checked = ticked > 0 && ticked === boxes().length;
    all.indeterminate = ticked > 0 && ticked < boxes().length;
  };
  all.addEventListener("change", () => { boxes().forEach((box) => { box.checked = all.checked; }); show(); });
  document.addEventListener("change", (event) => { if (event.target.name === "card") show(); });
  show();
})();
