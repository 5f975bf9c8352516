// Keyboard shortcuts for the moderation page (templates/admin/articles/moderation/).
// Progressive enhancement: every shortcut presses a button or follows a link the page
// already has, so the page works the same without JavaScript.
//   j / k   next / previous comment      a  approve     s  spam     f  feature / unfeature
//   d       dismiss the reports (the comment stays)
//   r       remove: opens the reasons, 1-9 picks one, Enter confirms, Escape cancels
//   z       undo the last decision        ?  show or hide the shortcuts
(function () {
  "use strict";

  const root = document.querySelector(".moderation");
  if (!root) return;
  const live = document.getElementById("moderation-live");
  const help = document.getElementById("moderation-help");
  const items = Array.from(root.querySelectorAll(".moderation-item"));
  let current = items.findIndex((item) => item.classList.contains("is-current"));
  let picking = null; // the comment whose removal reason is being chosen

  function announce(text) {
    // Emptied first, so the same words said twice are announced twice.
    live.textContent = "";
    window.setTimeout(() => { live.textContent = text; }, 30);
  }

  function describe(item) {
    const index = items.indexOf(item) + 1;
    return `Comment ${index} of ${items.length}, by ${item.dataset.author}`;
  }

  function select(index) {
    if (!items.length) return;
    index = Math.max(0, Math.min(items.length - 1, index));
    items.forEach((item) => item.classList.remove("is-current"));
    current = index;
    const item = items[current];
    item.classList.add("is-current");
    item.focus({ preventScroll: true });
    item.scrollIntoView({ block: "nearest" });
    announce(describe(item));
  }

  function currentItem() {
    if (current < 0 && items.length) select(0);
    return items[current];
  }

  function press(...keys) {
    const item = currentItem();
    const button = item && keys
      .map((key) => item.querySelector(`button[data-action="${key}"]`))
      .find((found) => found);
    if (!button) {
      const names = { feature: "Feature", dismiss: "Dismissing reports" };
      announce(`${names[keys[0]] || "This action"} is not available here.`);
      return;
    }
    announce(`${button.textContent.trim().replace(/\s+\S$/, "")}…`);
    button.click();
  }

  function reasons() {
    return Array.from(root.querySelectorAll('#moderation-reasons input[name="reason"]'));
  }

  function openReasons() {
    const item = currentItem();
    if (!item || !item.querySelector('button[data-action="remove"]')) return;
    picking = item;
    const picker = document.getElementById("moderation-reasons");
    picker.classList.add("is-open");
    picker.scrollIntoView({ block: "nearest" });
    const chosen = reasons().find((input) => input.checked) || reasons()[0];
    chosen.focus();
    announce("Removing. Choose a reason: 1 to 9, then Enter. Escape cancels.");
  }

  function closeReasons() {
    document.getElementById("moderation-reasons").classList.remove("is-open");
    const item = picking;
    picking = null;
    if (item) item.focus({ preventScroll: true });
  }

  function isTyping(target) {
    if (target.isContentEditable) return true;
    if (target.tagName === "TEXTAREA" || target.tagName === "SELECT") return true;
    return target.tagName === "INPUT" && !["radio", "checkbox", "button", "submit"].includes(target.type);
  }

  function onPickingKey(event) {
    if (/^[1-9]$/.test(event.key)) {
      const input = reasons()[Number(event.key) - 1];
      if (input) {
        input.checked = true;
        input.focus();
        announce(input.parentElement.textContent.trim().replace(/^\d+\s*/, ""));
      }
    } else if (event.key === "Enter") {
      if (!reasons().some((input) => input.checked)) {
        announce("Choose a reason first: 1 to 9.");
      } else {
        const item = picking;
        picking = null;
        item.querySelector('button[data-action="remove"]').click();
      }
    } else if (event.key === "Escape") {
      closeReasons();
      announce("Removal cancelled.");
    } else {
      return;
    }
    event.preventDefault();
  }

  document.addEventListener("keydown", (event) => {
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    if (picking) {
      onPickingKey(event);
      return;
    }
    if (isTyping(event.target)) return;
    const actions = {
      j: () => select(current + 1),
      k: () => select(current < 0 ? 0 : current - 1),
      a: () => press("approve"),
      s: () => press("spam"),
      f: () => press("feature", "unfeature"),
      d: () => press("dismiss"),
      r: openReasons,
      z: () => {
        const undo = document.querySelector('#moderation-undo button[name="undo"]');
        if (undo) {
          announce("Undoing.");
          undo.click();
        } else {
          announce("Nothing to undo.");
        }
      },
      "?": () => {
        help.open = !help.open;
        if (help.open) help.querySelector("summary").focus();
      },
    };
    const run = actions[event.key];
    if (run) {
      event.preventDefault();
      run();
    }
  });

  // Clicking a comment makes it the current one, for the keys that follow.
  items.forEach((item, index) => {
    item.addEventListener("click", () => {
      items.forEach((other) => other.classList.remove("is-current"));
      item.classList.add("is-current");
      current = index;
    });
  });

  // What the last decision did (the admin's message), said after the page loaded.
  const message = document.querySelector(".messagelist li");
  if (message) announce(message.textContent.trim());

  root.classList.add("has-shortcuts");
  if (items.length === 1) current = 0;
})();
