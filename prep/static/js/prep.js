// prep's small client script. No inline scripts anywhere: the CSP forbids them.
"use strict";

// Whether a key belongs to the focused control rather than to the page's shortcuts:
// everything typed into a text field, and Enter/Space on a button, link or other control
// (they press it); Space on a check box or radio button (it ticks it).
window.keyBelongsToControl = (event) => {
  const target = event.target;
  if (!(target instanceof Element)) return false;
  if (target.isContentEditable || target.closest("textarea, select")) return true;
  const tag = target.tagName.toLowerCase();
  const type = (target.getAttribute("type") || "text").toLowerCase();
  if (tag === "input" && !["checkbox", "radio", "button", "submit", "reset"].includes(type)) {
    return true;
  }
  const pressing = event.key === "Enter" || event.key === " ";
  if (tag === "input" && (type === "checkbox" || type === "radio")) return event.key === " ";
  return pressing && target.closest("button, a[href], summary, input, [role=button]") !== null;
};

document.addEventListener("DOMContentLoaded", () => {
  // Focus the first field with an error, so keyboard users land where the fix is needed.
  // A message about a form far down the page (data-focus) is brought to where the user is.
  const invalid = document.querySelector("[aria-invalid='true'], [data-focus]");
  if (invalid) invalid.focus();
  // A refusal answered on a POST address names the GET page it belongs to: show that address,
  // so a reload or a bookmark never sends the form again.
  const home = document.querySelector("[data-page-url]");
  if (home) window.history.replaceState(null, "", home.dataset.pageUrl);
});
