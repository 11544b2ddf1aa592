/*
 * Quick exit, on the chat page and on every page of ours around sign-in. Loaded before the 4 MB
 * Web Chat bundle so it works from the first moment the page is parsed. It clears what the page
 * stored, hides the page, and replaces the history entry with a neutral site so Back does not
 * return here. The destination is the Quick exit link's own href, which the server writes from its
 * single QUICK_EXIT_URL constant.
 *
 * The key is Shift pressed 3 times in a row (within 1.5 seconds, nothing else pressed between), as
 * in the GOV.UK "Exit this page" pattern. Not Esc: Web Chat uses Esc itself (to leave a message in
 * the chat history, as its keyboard help says), and so do screen readers, pickers and input
 * methods, so a parent pressing Esc for those was thrown out of the chat. Shift alone does nothing
 * anywhere else, cannot be typed by accident three times with nothing between, and is still one
 * key, pressed fast.
 *
 * Quick exit in one tab of ours leaves every other tab of ours too (the chat and its sign-in tab),
 * so nothing of the chat stays open behind it.
 *
 * On a sign-in page, "Go to the chat" (a link marked data-back-to-chat) asks the chat tab, if it is
 * still open, for its conversation and resumes that one here instead of starting a new one.
 */
(function () {
  'use strict';

  var SESSION_KEY = 'nyc-child-support-chat';
  var CHANNEL_NAME = 'nyc-child-support-tabs';
  var PRESSES = 3;
  var WITHIN_MS = 1500;
  /** How long "Go to the chat" waits for the chat tab to answer before starting afresh. */
  var ASK_CHAT_MS = 400;

  var link = document.getElementById('quick-exit');
  var destination = link ? link.href : 'about:blank';
  var channel = null;
  try {
    channel = typeof window.BroadcastChannel === 'function' ? new window.BroadcastChannel(CHANNEL_NAME) : null;
  } catch {
    channel = null;
  }

  function leave() {
    // The page script checks this class so it never writes to storage again after we clear it.
    document.documentElement.classList.add('leaving');
    try {
      window.sessionStorage.clear();
    } catch {
      /* storage disabled: nothing to clear */
    }
    try {
      window.localStorage.clear();
    } catch {
      /* storage disabled: nothing to clear */
    }
    window.location.replace(destination);
  }

  function quickExit(event) {
    if (event) {
      event.preventDefault();
      event.stopPropagation();
    }
    if (channel) {
      try {
        channel.postMessage({ type: 'quickExit' });
      } catch {
        /* the other tabs cannot be told; this one still leaves */
      }
    }
    leave();
  }

  if (link) link.addEventListener('click', quickExit);

  // Capture phase on window runs before any handler inside Web Chat. Held-down repeats, presses
  // during input-method composition, and Shift used with another key do not count.
  var presses = [];
  window.addEventListener(
    'keydown',
    function (event) {
      if (event.key !== 'Shift' || event.isComposing || event.ctrlKey || event.altKey || event.metaKey) {
        presses = [];
        return;
      }
      if (event.repeat) return;
      var now = Date.now();
      presses = presses.filter(function (at) {
        return now - at <= WITHIN_MS;
      });
      presses.push(now);
      if (presses.length >= PRESSES) quickExit(event);
    },
    true,
  );

  /* ---- between our tabs ---- */

  function currentChat() {
    try {
      var saved = JSON.parse(window.sessionStorage.getItem(SESSION_KEY) || 'null');
      if (saved && typeof saved.token === 'string' && typeof saved.conversationId === 'string') return saved;
    } catch {
      /* unreadable storage */
    }
    return null;
  }

  if (channel) {
    channel.addEventListener('message', function (event) {
      var data = event.data || {};
      if (data.type === 'quickExit') leave();
      // Only the chat page answers (it is the one with the chat element), and never while leaving.
      else if (data.type === 'whereIsTheChat' && document.getElementById('chat') && !document.documentElement.classList.contains('leaving')) {
        var chat = currentChat();
        if (chat) channel.postMessage({ type: 'theChat', chat: chat });
      }
    });
  }

  var backLinks = document.querySelectorAll('a[data-back-to-chat]');
  for (var i = 0; i < backLinks.length; i += 1) {
    backLinks[i].addEventListener('click', function (event) {
      var href = event.currentTarget.href;
      if (!channel) return;
      event.preventDefault();
      var done = false;
      function go(chat) {
        if (done) return;
        done = true;
        if (chat) {
          try {
            window.sessionStorage.setItem(SESSION_KEY, JSON.stringify(chat));
          } catch {
            /* cannot carry it over: the chat page starts a new conversation */
          }
        }
        window.location.assign(href);
      }
      channel.addEventListener('message', function (answer) {
        if (answer.data && answer.data.type === 'theChat') go(answer.data.chat);
      });
      channel.postMessage({ type: 'whereIsTheChat' });
      window.setTimeout(function () {
        go(null);
      }, ASK_CHAT_MS);
    });
  }
})();
