// Reactions without a page jump: the reaction form (a plain POST that comes back to the
// comment) is sent in the background instead, and its button shows the new state
// (aria-pressed) and count. Without this file, or when the request fails to leave, the
// form posts as usual.
(function () {
  "use strict";

  if (!window.fetch || !window.FormData) return;

  function say(form, message) {
    var status = form.querySelector("[data-reaction-status]");
    if (!status) {
      status = document.createElement("span");
      status.className = "reaction__status";
      status.setAttribute("role", "status");
      status.setAttribute("data-reaction-status", "");
      form.appendChild(status);
    }
    status.textContent = message;
  }

  function show(form, data) {
    var button = form.querySelector("button");
    var count = form.querySelector("[data-reaction-count]");
    var field = form.querySelector("input[name=on]");
    button.setAttribute("aria-pressed", data.reacted ? "true" : "false");
    if (count) count.textContent = String(data.count);
    // The next press takes the reaction back, or gives it again.
    if (field) field.value = data.reacted ? "0" : "1";
    say(form, "");
  }

  function send(event) {
    var form = event.currentTarget;
    event.preventDefault();
    if (form.hasAttribute("data-busy")) return;
    form.setAttribute("data-busy", "");
    var body = new FormData(form);
    var token = body.get("csrfmiddlewaretoken") || "";
    fetch(form.action, {
      method: "POST",
      body: body,
      credentials: "same-origin",
      headers: { Accept: "application/json", "X-CSRFToken": token },
    })
      .then(function (response) {
        return response.json().then(
          function (data) {
            if (response.ok) show(form, data);
            else say(form, data.error || "");
          },
          function () {
            // Not our JSON (a proxy's error page): let the plain form say what happened.
            form.submit();
          }
        );
      })
      .catch(function () {
        form.submit();
      })
      .then(function () {
        form.removeAttribute("data-busy");
      });
  }

  document.querySelectorAll("form[data-reaction]").forEach(function (form) {
    form.addEventListener("submit", send);
  });
})();
