// prep's small client script. No inline scripts anywhere: the CSP forbids them.
"use strict";
document.addEventListener("DOMContentLoaded", () => {
  // Focus the first field with an error, so keyboard users land where the fix is needed.
  const invalid = document.querySelector("[aria-invalid='true']");
  if (invalid) invalid.focus();
});
