// The console's behaviour in the browser. Pages work as plain forms; this
// module adds upload progress, validation as you type, copy buttons and JSON
// checks. It is loaded as an ES module from the console's own origin, as
// the Content-Security-Policy requires.

import { bindUploads, describe } from "./upload.js";
import { bindFCAccessPointForm, bindImageErrors, bindImageSizes } from "./fcap.js";
import { bindValidation } from "./validate.js";

// csrfToken returns the session's CSRF token, which every state-changing
// request sends in the X-CSRF-Token header.
export function csrfToken() {
  const main = document.querySelector("main[data-csrf]");
  return main ? main.dataset.csrf : "";
}

function bindCopyButtons() {
  for (const button of document.querySelectorAll("button[data-copy]")) {
    button.addEventListener("click", async () => {
      const text = button.dataset.copy;
      try {
        await navigator.clipboard.writeText(text);
      } catch {
        // The clipboard API needs a secure context or a permission; fall
        // back to selecting the text so the user can press Ctrl+C.
        const target = document.getElementById(button.dataset.copyTarget || "");
        if (target) {
          const range = document.createRange();
          range.selectNodeContents(target);
          const selection = window.getSelection();
          selection.removeAllRanges();
          selection.addRange(range);
        }
      }
      button.textContent = "Copied";
      setTimeout(() => { button.textContent = "Copy"; }, 1500);
    });
  }
}

document.addEventListener("DOMContentLoaded", () => {
  bindUploads(csrfToken);
  bindValidation();
  bindCopyButtons();
  bindFCAccessPointForm();
  bindImageErrors(describe);
  bindImageSizes();
});
