// Acme help-centre chat widget (demo build): launcher, panel, message list, composer, typing
// indicator, hand-off to a person, and an error state when the assistant cannot be reached.
// The "assistant" is scripted so the page works offline; ?offline makes every send fail.
// Build options (data-* attributes of #acme-chat; the variants under variants/ use them to get one
// behaviour wrong each): data-reply-delay-ms, data-message-tag, data-stream-ms (stream replies word
// by word), data-stream-busy="false" (no aria-busy while streaming), data-focus-on-open="false",
// data-return-focus="false", data-close-on-escape="false".
(function () {
  "use strict";
  var root = document.getElementById("acme-chat");
  var launcher = document.getElementById("acme-chat-launcher");
  var panel = document.getElementById("acme-chat-panel");
  var closeButton = document.getElementById("acme-chat-close");
  var form = document.getElementById("acme-chat-form");
  var input = document.getElementById("acme-chat-input");
  var list = document.getElementById("acme-chat-messages");
  var typing = document.getElementById("acme-chat-typing");
  var handoff = document.getElementById("acme-chat-handoff");
  var error = document.getElementById("acme-chat-error");
  var replyDelay = Number(root.getAttribute("data-reply-delay-ms") || 4000);
  var offline = /[?&]offline\b/.test(window.location.search);
  var itemTag = root.getAttribute("data-message-tag") || "li";
  var streamMs = Number(root.getAttribute("data-stream-ms") || 0);
  function option(name) { return root.getAttribute("data-" + name) !== "false"; }

  function setOpen(open) {
    var hadFocus = panel.contains(document.activeElement);
    panel.hidden = !open;
    launcher.setAttribute("aria-expanded", String(open));
    root.classList.toggle("acme-chat--open", open);
    if (open && option("focus-on-open")) { input.focus(); }
    if (!open && (hadFocus || document.activeElement === launcher) && option("return-focus")) { launcher.focus(); }
  }

  function addMessage(who, text, avatar) {
    var item = document.createElement(itemTag);
    item.className = "acme-chat__message acme-chat__message--" + who;
    if (avatar) { item.appendChild(avatar); }
    var body = document.createElement("p");
    item.appendChild(body);
    list.appendChild(item);
    if (!streamMs || who === "user") {
      body.textContent = text;
      list.scrollTop = list.scrollHeight;
      return;
    }
    // the reply arrives word by word, as from a streaming model API
    var words = text.split(" "), busy = option("stream-busy");
    if (busy) { list.setAttribute("aria-busy", "true"); }
    words.forEach(function (word, n) {
      window.setTimeout(function () {
        body.textContent += (n ? " " : "") + word;
        list.scrollTop = list.scrollHeight;
        if (n === words.length - 1 && busy) { list.removeAttribute("aria-busy"); }
      }, n * streamMs);
    });
  }

  function reply(text) {
    if (/\b(person|human|agent|someone)\b/i.test(text)) {
      return {delay: 800, handoff: true,
              text: "Of course. I'm connecting you with a member of our support team now."};
    }
    if (/order/i.test(text)) {
      return {delay: replyDelay,
              text: "Your order 4711 left our warehouse yesterday and should arrive on Thursday. " +
                    "You can follow it from the link in your confirmation email."};
    }
    return {delay: replyDelay, text: "I can help with orders, returns and delivery. What would you like to know?"};
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var text = input.value.trim();
    if (!text) { return; }
    input.value = "";
    error.hidden = true;
    addMessage("user", text);
    typing.hidden = false;
    var answer = offline ? {delay: 600} : reply(text);
    window.setTimeout(function () {
      typing.hidden = true;
      if (offline) { error.hidden = false; return; }
      addMessage("bot", answer.text);
      if (answer.handoff) {
        handoff.hidden = false;
        var avatar = document.getElementById("acme-agent-avatar-template").content.firstElementChild.cloneNode(true);
        addMessage("agent", "Hi, I'm Sam from Acme customer care. Let me take a look at this for you.", avatar);
      }
    }, answer.delay);
  });

  launcher.addEventListener("click", function () { setOpen(panel.hidden); });
  closeButton.addEventListener("click", function () { setOpen(false); });
  document.getElementById("acme-chat-retry").addEventListener("click", function (event) {
    event.preventDefault();
    error.hidden = true;
  });
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && !panel.hidden && option("close-on-escape")) { setOpen(false); }
  });
})();
