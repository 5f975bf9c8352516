/* The article form: never lose work (progressive enhancement; the form works without it).
 *
 * - Autosave: a few seconds after typing stops (and when the tab is hidden), the typed
 *   fields go to the person's own draft (articles/admin/drafts.py), never a revision.
 * - Restore: "Restore" puts the offered draft into the form (without JavaScript it is a
 *   link to a page showing the text to copy); "Discard" forgets it.
 * - A warning before leaving the page with unsaved changes, unless the form is being saved.
 * - Presence: a heartbeat every 30 seconds while the person is active keeps "X is editing
 *   this story" true for the others; leaving the page releases it. When an editor takes
 *   the story over, the next heartbeat says so and the text is saved as a draft at once.
 * - The form's CSRF token is refreshed from the cookie before it is posted, so logging in
 *   again in another tab does not make the save fail.
 */
(function () {
  "use strict";

  var box = document.getElementById("newsroom-editing");
  var form = document.getElementById("article_form");
  if (!box || !form || box.dataset.mayType !== "1") {
    return;
  }

  var FIELDS = ["headline", "slug", "standfirst", "body", "tags"];
  var SAVE_DELAY = 5000;
  var RETRY_DELAY = 15000;
  var HEARTBEAT = 30000;
  var IDLE_AFTER = (Number(box.dataset.presenceSeconds) || 120) * 1000;
  var statusLine = document.getElementById("newsroom-autosave-status");
  var presenceLine = document.getElementById("newsroom-presence");
  var takeOverForm = document.getElementById("newsroom-take-over");
  var offer = document.getElementById("newsroom-draft-offer");

  function cookie(name) {
    var parts = document.cookie ? document.cookie.split(";") : [];
    for (var i = 0; i < parts.length; i++) {
      var part = parts[i].trim();
      if (part.indexOf(name + "=") === 0) {
        return decodeURIComponent(part.slice(name.length + 1));
      }
    }
    return "";
  }

  function token() {
    var field = form.elements.csrfmiddlewaretoken;
    return cookie("csrftoken") || (field ? field.value : "");
  }

  function values() {
    var typed = {};
    FIELDS.forEach(function (name) {
      var field = form.elements[name];
      if (field && typeof field.value === "string") {
        typed[name] = field.value;
      }
    });
    return typed;
  }

  function fingerprint() {
    return JSON.stringify(values());
  }

  function say(element, text) {
    if (element) {
      element.textContent = text || "";
    }
  }

  function post(url, data) {
    return fetch(url, {
      method: "POST",
      body: data || new FormData(),
      credentials: "same-origin",
      headers: { "X-CSRFToken": token(), Accept: "application/json" },
    });
  }

  var lastSaved = fingerprint();
  var dirty = false;
  var submitting = false;
  var timer = null;
  var lastActivity = Date.now();

  function schedule(delay) {
    window.clearTimeout(timer);
    timer = window.setTimeout(saveDraft, delay);
  }

  function saveDraft(force) {
    window.clearTimeout(timer);
    timer = null;
    var current = fingerprint();
    if (submitting || (current === lastSaved && force !== true)) {
      return Promise.resolve(true);
    }
    var data = new FormData();
    var typed = values();
    Object.keys(typed).forEach(function (name) {
      data.append(name, typed[name]);
    });
    var loaded = form.elements.loaded_version;
    data.append("loaded_version", loaded ? loaded.value : "");
    return post(box.dataset.autosaveUrl, data)
      .then(function (response) {
        return response.ok ? response.json() : Promise.reject(response);
      })
      .then(function (answer) {
        lastSaved = current;
        say(statusLine, answer.message);
        return true;
      })
      .catch(function () {
        say(statusLine, box.dataset.savingFailed);
        schedule(RETRY_DELAY);
        return false;
      });
  }

  function changed() {
    dirty = true;
    lastActivity = Date.now();
    schedule(SAVE_DELAY);
  }

  // The body editor (django-prose-editor) copies its HTML into the textarea and sends an
  // "input" event that bubbles to the form, as every other field does.
  form.addEventListener("input", changed);
  form.addEventListener("change", changed);

  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "hidden" && timer !== null) {
      saveDraft();
    }
  });

  form.addEventListener("submit", function () {
    submitting = true;
    window.clearTimeout(timer);
    var field = form.elements.csrfmiddlewaretoken;
    var fresh = cookie("csrftoken");
    if (field && fresh) {
      field.value = fresh;
    }
  });

  window.addEventListener("beforeunload", function (event) {
    if (dirty && !submitting) {
      event.preventDefault();
      event.returnValue = "";
    }
  });

  // Restore and discard the offered draft.

  function setField(name, value) {
    var field = form.elements[name];
    if (!field) {
      return;
    }
    if (name === "body") {
      // tiptap keeps its editor on the editing element (the menu bar is a .ProseMirror too).
      var wrapper = field.closest(".prose-editor");
      var views = wrapper ? wrapper.querySelectorAll(".ProseMirror") : [];
      for (var i = 0; i < views.length; i++) {
        if (views[i].editor) {
          views[i].editor.commands.setContent(value);
          break;
        }
      }
    }
    field.value = value;
  }

  var restoreLink = document.getElementById("newsroom-draft-restore");
  var draftData = document.getElementById("newsroom-draft-fields");
  if (restoreLink && draftData) {
    restoreLink.addEventListener("click", function (event) {
      event.preventDefault();
      var draft = JSON.parse(draftData.textContent);
      FIELDS.forEach(function (name) {
        if (typeof draft[name] === "string") {
          setField(name, draft[name]);
        }
      });
      if (offer) {
        offer.hidden = true;
      }
      say(statusLine, box.dataset.restored || "");
      changed();
      var headline = form.elements.headline;
      if (headline) {
        headline.focus();
      }
    });
  }

  var discardForm = document.getElementById("newsroom-draft-discard");
  if (discardForm) {
    discardForm.addEventListener("submit", function (event) {
      event.preventDefault();
      post(discardForm.action)
        .then(function (response) {
          return response.ok ? response.json() : Promise.reject(response);
        })
        .then(function (answer) {
          if (offer) {
            offer.hidden = true;
          }
          say(statusLine, answer.message);
        })
        .catch(function () {
          discardForm.submit();
        });
    });
  }

  // Presence.

  var presenceUrl = box.dataset.presenceUrl;
  if (!presenceUrl) {
    return;
  }
  var takenOver = false;

  function showPresence(answer) {
    if (takeOverForm) {
      takeOverForm.hidden = answer.state === "editing";
    }
    if (answer.state === "taken_over" && !takenOver) {
      takenOver = true;
      saveDraft(true).then(function (saved) {
        var notice = answer.notice;
        if (!saved) {
          notice += " " + box.dataset.savingFailed;
        }
        say(presenceLine, notice);
      });
    } else {
      takenOver = answer.state === "taken_over";
      say(presenceLine, answer.notice);
    }
    presenceLine.classList.toggle("errornote", Boolean(answer.notice));
  }

  function heartbeat() {
    // Someone idle (a tab left open overnight) lets the story go after the presence delay.
    if (Date.now() - lastActivity > IDLE_AFTER) {
      return;
    }
    post(presenceUrl)
      .then(function (response) {
        return response.ok ? response.json() : null;
      })
      .then(function (answer) {
        if (answer) {
          showPresence(answer);
        }
      })
      .catch(function () {});
  }

  var idleSince = null;
  function active() {
    var wasIdle = Date.now() - lastActivity > IDLE_AFTER;
    lastActivity = Date.now();
    if (wasIdle && idleSince !== lastActivity) {
      idleSince = lastActivity;
      heartbeat();
    }
  }
  ["keydown", "pointerdown", "wheel"].forEach(function (type) {
    document.addEventListener(type, active, { passive: true });
  });

  heartbeat();
  window.setInterval(heartbeat, HEARTBEAT);
  // Coming back to the tab asks at once: a take-over is news not to learn 30 seconds late.
  var lastAsked = Date.now();
  function backAgain() {
    if (document.visibilityState === "visible" && Date.now() - lastAsked > 2000) {
      lastAsked = Date.now();
      lastActivity = lastAsked;
      heartbeat();
    }
  }
  window.addEventListener("focus", backAgain);
  document.addEventListener("visibilitychange", backAgain);

  // Any form posted from this page (Save, Take over, Submit for review, a preview link)
  // leads to a page that saves or holds the story itself: a release sent on the way out
  // would land after it, and let go of what that page holds.
  var posting = false;
  document.addEventListener(
    "submit",
    function () {
      posting = true;
    },
    true
  );

  window.addEventListener("pagehide", function () {
    if (submitting || posting || !box.dataset.releaseUrl) {
      return;
    }
    var data = new FormData();
    data.append("csrfmiddlewaretoken", token());
    navigator.sendBeacon(box.dataset.releaseUrl, data);
  });
})();
