/* Vanthu live notification bell: a reconnecting WebSocket that updates the unread badge, with polling
 * of the unread count as a fallback when the socket cannot be kept open (proxy without WebSocket, server down). */
(function () {
  "use strict";

  var POLL_MS = 60000;
  var MAX_BACKOFF_MS = 60000;
  var FAILURES_BEFORE_POLLING = 3;

  function csrfToken() {
    var match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    return match ? decodeURIComponent(match[1]) : "";
  }

  function Bell(root) {
    this.root = root;
    this.badge = root.querySelector(".vt-bell-badge");
    this.list = root.querySelector(".vt-bell-list");
    this.live = root.querySelector("[data-bell-live]");
    this.countUrl = root.getAttribute("data-count-url");
    this.wsPath = root.getAttribute("data-ws-path");
    this.failures = 0;
    this.pollTimer = null;
    this.socket = null;
    this.bindMarkRead();
    this.connect();
  }

  Bell.prototype.setUnread = function (n) {
    if (!this.badge || typeof n !== "number") { return; }
    var label = this.badge.querySelector(".visually-hidden");
    this.badge.setAttribute("data-unread", String(n));
    this.badge.firstChild.nodeValue = n > 99 ? "99+" : String(n);
    if (label && this.badge.lastChild !== label) { this.badge.appendChild(label); }
    this.badge.classList.toggle("d-none", n === 0);
  };

  Bell.prototype.prepend = function (data) {
    if (!this.list || !data.title) { return; }
    var item = document.createElement("a");
    item.className = "list-group-item list-group-item-action fw-semibold";
    // Only same-site paths: a notification can never turn the bell into a link elsewhere.
    item.href = typeof data.url === "string" && data.url.charAt(0) === "/" && data.url.charAt(1) !== "/"
      ? data.url : this.root.querySelector(".dropdown-menu a[href]").getAttribute("href");
    var title = document.createElement("div");
    title.className = "small text-wrap";
    title.textContent = data.title;
    item.appendChild(title);
    if (typeof data.id === "number") {
      item.setAttribute("data-mark-url", this.countUrl.replace(/dem\/$/, data.id + "/da-doc/"));
    }
    this.list.insertBefore(item, this.list.firstChild);
    while (this.list.children.length > 10) { this.list.removeChild(this.list.lastChild); }
    if (this.live) { this.live.textContent = data.title; }
  };

  Bell.prototype.bindMarkRead = function () {
    this.root.addEventListener("click", function (event) {
      var link = event.target.closest("a[data-mark-url]");
      var url = link && link.getAttribute("data-mark-url");
      if (!url) { return; }
      // keepalive lets the request finish while the browser follows the link.
      fetch(url, {
        method: "POST", credentials: "same-origin", keepalive: true,
        headers: {"X-CSRFToken": csrfToken(), "Accept": "application/json"}
      }).catch(function () { /* the list page still offers "Đã đọc" */ });
    });
  };

  Bell.prototype.poll = function () {
    var self = this;
    fetch(this.countUrl, {credentials: "same-origin", headers: {"Accept": "application/json"}})
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (data) { if (data) { self.setUnread(data.unread); } })
      .catch(function () { /* try again at the next tick */ });
  };

  Bell.prototype.startPolling = function () {
    if (this.pollTimer !== null) { return; }
    var self = this;
    this.poll();
    this.pollTimer = window.setInterval(function () { self.poll(); }, POLL_MS);
  };

  Bell.prototype.stopPolling = function () {
    if (this.pollTimer !== null) { window.clearInterval(this.pollTimer); this.pollTimer = null; }
  };

  Bell.prototype.connect = function () {
    var self = this;
    if (!("WebSocket" in window)) { this.startPolling(); return; }
    var scheme = window.location.protocol === "https:" ? "wss://" : "ws://";
    var socket;
    try {
      socket = new WebSocket(scheme + window.location.host + this.wsPath);
    } catch (e) {
      this.startPolling();
      return;
    }
    this.socket = socket;
    socket.onopen = function () { self.failures = 0; self.stopPolling(); };
    socket.onmessage = function (event) {
      var data;
      try { data = JSON.parse(event.data); } catch (e) { return; }
      self.setUnread(data.unread);
      if (data.title) { self.prepend(data); }
    };
    socket.onclose = function (event) {
      self.socket = null;
      if (event.code === 4401) { return; }  // signed out: nothing to listen to
      self.failures += 1;
      if (self.failures >= FAILURES_BEFORE_POLLING) { self.startPolling(); }
      var delay = Math.min(MAX_BACKOFF_MS, 1000 * Math.pow(2, self.failures)) * (0.5 + Math.random() / 2);
      window.setTimeout(function () { self.connect(); }, delay);
    };
  };

  function init() {
    var roots = document.querySelectorAll(".vt-bell");
    for (var i = 0; i < roots.length; i++) {
      if (!roots[i].vtBell) { roots[i].vtBell = new Bell(roots[i]); }
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
