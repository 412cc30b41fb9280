// The Today page: Space or Enter (when no control has the focus) starts studying.
"use strict";
document.addEventListener("keydown", (event) => {
  if (event.ctrlKey || event.altKey || event.metaKey || window.keyBelongsToControl(event)) return;
  const study = document.getElementById("study-now");
  if (study && (event.key === " " || event.key === "Enter")) {
    event.preventDefault();
    window.location.assign(study.href);
  }
});
