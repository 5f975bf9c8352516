// Share row enhancements: copy link, the device's share sheet, and remembering the reader's
// Mastodon server. Without this file everything still works: the buttons stay hidden and the
// Mastodon form posts to our server, which redirects to the reader's server.
(function () {
  "use strict";

  var STORAGE_KEY = "newsroom:mastodon-instance";

  function storage() {
    // localStorage throws in some private modes and when storage is disabled.
    try {
      return window.localStorage;
    } catch (error) {
      return null;
    }
  }

  function announce(section, message) {
    var status = section.querySelector("[data-share-status]");
    if (!status) return;
    // Clear first so the same message is announced again on a second click.
    status.textContent = "";
    window.setTimeout(function () {
      status.textContent = message;
    }, 50);
  }

  function showCopyField(section, url) {
    var wrapper = section.querySelector("[data-share-copy-fallback]");
    var field = section.querySelector("[data-share-copy-field]");
    if (!wrapper || !field) return;
    field.value = url;
    wrapper.hidden = false;
    field.focus();
    field.select();
  }

  function setUpCopy(section) {
    var button = section.querySelector("[data-share-copy]");
    if (!button) return;
    var item = section.querySelector("[data-share-copy-item]");
    var url = button.getAttribute("data-url");
    var copied = button.getAttribute("data-copied-message") || "Link copied.";
    var manual = button.getAttribute("data-manual-message") || "Copy the link from the box.";
    button.addEventListener("click", function () {
      var clipboard = navigator.clipboard;
      if (!clipboard || !window.isSecureContext || typeof clipboard.writeText !== "function") {
        showCopyField(section, url);
        announce(section, manual);
        return;
      }
      clipboard.writeText(url).then(
        function () {
          announce(section, copied);
        },
        function () {
          showCopyField(section, url);
          announce(section, manual);
        }
      );
    });
    if (item) item.hidden = false;
  }

  function setUpNative(section) {
    var button = section.querySelector("[data-share-native]");
    if (!button || typeof navigator.share !== "function") return;
    var item = section.querySelector("[data-share-native-item]");
    var data = { title: button.getAttribute("data-title"), url: button.getAttribute("data-url") };
    if (typeof navigator.canShare === "function" && !navigator.canShare(data)) return;
    button.addEventListener("click", function () {
      // A reader closing the share sheet rejects the promise; that is not an error.
      navigator.share(data).catch(function () {});
    });
    if (item) item.hidden = false;
  }

  function setUpMastodon(form) {
    var input = form.querySelector("input[name=instance]");
    var store = storage();
    if (!input || !store) return;
    if (!input.value) {
      var remembered = store.getItem(STORAGE_KEY);
      if (remembered) input.value = remembered;
    }
    form.addEventListener("submit", function () {
      var value = input.value.trim();
      if (!value) return;
      try {
        store.setItem(STORAGE_KEY, value);
      } catch (error) {
        // Storage full or refused: sharing still works, it just is not remembered.
      }
    });
  }

  document.querySelectorAll("[data-share]").forEach(function (section) {
    setUpCopy(section);
    setUpNative(section);
  });
  document.querySelectorAll("[data-share-mastodon]").forEach(setUpMastodon);
})();
