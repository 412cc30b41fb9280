// Settings: on a first visit (the zone is still the default, UTC) the time zone select starts
// at the browser's own zone, and says so; nothing is stored until the user saves.
"use strict";
(() => {
  const select = document.getElementById("timezone");
  if (!select || select.dataset.default !== "yes" || select.getAttribute("aria-invalid")) return;
  const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  if (!zone || zone === select.value) return;
  const option = [...select.options].find((o) => o.value === zone);
  if (!option) return;
  select.value = zone;
  const note = document.getElementById("timezone-from-browser");
  note.textContent = `Set to ${zone}, your browser's time zone: save to keep it.`;
  note.hidden = false;
})();
