/*
 * The chat page: starts or resumes a Direct Line conversation on our own server, renders the
 * official Web Chat, and keeps the page language, Web Chat's locale and the bot's language in step.
 * Plain browser JavaScript (no build step) so the served file is exactly what is reviewed.
 */
(function () {
  'use strict';

  var SESSION_KEY = 'nyc-child-support-chat';
  var SEND_BOX = '[data-id="webchat-sendbox-input"]';
  var TOKEN_SAVE_INTERVAL_MS = 30 * 1000;
  // DirectLineJS ConnectionStatus values.
  var ONLINE = 2;
  var FAILED_TO_CONNECT = 4;

  var root = document.documentElement;
  var texts = JSON.parse(document.getElementById('page-text').textContent);
  var nonce = (document.currentScript && document.currentScript.nonce) || '';
  var chatElement = document.getElementById('chat');
  var chatHost = newChatHost();
  var statusElement = document.getElementById('chat-status');
  var locale = normalizeLocale(root.lang);

  var directLine = null;
  var store = null;
  var pendingLanguageEvent = null;

  function normalizeLocale(tag) {
    var value = String(tag || '').toLowerCase();
    if (value.indexOf('zh') === 0) return 'zh-Hans';
    if (value === 'es' || value.indexOf('es-') === 0) return 'es';
    return 'en';
  }

  function leaving() {
    return root.classList.contains('leaving');
  }

  function lookup(dictionary, key) {
    return key.split('.').reduce(function (node, part) {
      return node && typeof node === 'object' ? node[part] : undefined;
    }, dictionary);
  }

  function applyTexts(next) {
    var dictionary = texts[next];
    root.lang = next;
    var elements = document.querySelectorAll('[data-text]');
    for (var i = 0; i < elements.length; i += 1) {
      var value = lookup(dictionary, elements[i].getAttribute('data-text'));
      if (typeof value === 'string') elements[i].textContent = value;
    }
    var buttons = document.querySelectorAll('[data-locale]');
    for (var j = 0; j < buttons.length; j += 1) {
      buttons[j].setAttribute('aria-pressed', String(buttons[j].getAttribute('data-locale') === next));
    }
  }

  function showStatus(key) {
    statusElement.setAttribute('data-text', key);
    statusElement.textContent = lookup(texts[locale], key);
    statusElement.hidden = false;
  }

  /* ---- session (lets a reload resume; Quick exit clears it) ---- */

  function readSession() {
    try {
      var saved = JSON.parse(window.sessionStorage.getItem(SESSION_KEY) || 'null');
      if (saved && typeof saved.token === 'string' && typeof saved.conversationId === 'string') return saved;
    } catch {
      /* unreadable or disabled storage: start afresh */
    }
    return null;
  }

  function saveSession() {
    if (leaving() || !directLine || !directLine.token || !directLine.conversationId) return;
    try {
      window.sessionStorage.setItem(
        SESSION_KEY,
        JSON.stringify({ token: directLine.token, conversationId: directLine.conversationId, locale: locale }),
      );
    } catch {
      /* storage full or disabled: the chat still works, it just will not survive a reload */
    }
  }

  function forgetSession() {
    try {
      window.sessionStorage.removeItem(SESSION_KEY);
    } catch {
      /* nothing to forget */
    }
  }

  /* ---- Web Chat ---- */

  var styleOptions = {
    accent: '#1b4f8a',
    primaryFont: 'system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", "Helvetica Neue", Arial, "PingFang SC", "Microsoft YaHei", sans-serif',
    backgroundColor: '#ffffff',
    bubbleBackground: '#f1f4f8',
    bubbleBorderColor: '#c9d3df',
    bubbleBorderWidth: 1,
    bubbleBorderRadius: 8,
    bubbleTextColor: '#1a1a1a',
    bubbleFromUserBackground: '#1b4f8a',
    bubbleFromUserBorderColor: '#1b4f8a',
    bubbleFromUserBorderWidth: 1,
    bubbleFromUserBorderRadius: 8,
    bubbleFromUserTextColor: '#ffffff',
    subtle: '#4a5663',
    timestampColor: '#4a5663',
    sendBoxBackground: '#ffffff',
    sendBoxTextColor: '#1a1a1a',
    sendBoxButtonColor: '#1b4f8a',
    sendBoxButtonColorOnHover: '#0f3563',
    sendBoxBorderTop: 'solid 1px #8a96a3',
    sendBoxPlaceholderColor: '#5b6672',
    suggestedActionBackgroundColor: '#ffffff',
    suggestedActionBorderColor: '#1b4f8a',
    suggestedActionTextColor: '#1b4f8a',
    suggestedActionBorderRadius: 8,
    hideUploadButton: true,
    rootHeight: '100%',
    rootWidth: '100%',
  };

  /** Web Chat renders into a child of #chat, so that a fresh start can replace it whole. */
  function newChatHost() {
    var host = document.createElement('div');
    host.className = 'chat-host';
    while (chatElement.firstChild) chatElement.removeChild(chatElement.firstChild);
    chatElement.appendChild(host);
    return host;
  }

  /**
   * Web Chat's markdown makes a link of any bare domain ("NY.gov" became a link to the real
   * ny.gov, a site the bot never sent anyone to). Escaping the dot inside such a word keeps it
   * text; addresses written out with their scheme, markdown links and email addresses stay links.
   * The bot's texts stay plain for SMS and TTY: this is only how the page shows them.
   */
  function keepBareDomainsText(markdown) {
    return String(markdown)
      .split(/(\s+)/)
      .map(function (word) {
        if (/:\/\//.test(word) || word.indexOf('@') >= 0 || word.indexOf('](') >= 0) return word;
        return word.replace(/([A-Za-z0-9])\.(?=[A-Za-z])/g, '$1\\.');
      })
      .join('');
  }

  function renderMarkdown() {
    var args = Array.prototype.slice.call(arguments);
    args[0] = keepBareDomainsText(args[0]);
    return window.WebChat.renderMarkdown.apply(null, args);
  }

  function renderChat() {
    window.WebChat.renderWebChat(
      {
        directLine: directLine,
        store: store,
        locale: locale,
        nonce: nonce,
        styleOptions: styleOptions,
        renderMarkdown: window.WebChat.renderMarkdown ? renderMarkdown : undefined,
      },
      chatHost,
    );
  }

  function sendLanguageEvent(value) {
    store.dispatch({ type: 'WEB_CHAT/SEND_EVENT', payload: { name: 'setLanguage', value: value } });
  }

  /** Switches page texts and Web Chat's locale; `tellBot` when the parent chose it on the page. */
  function switchLanguage(next, tellBot) {
    next = normalizeLocale(next);
    if (next === locale) return;
    locale = next;
    applyTexts(next);
    if (!directLine) {
      if (tellBot) pendingLanguageEvent = next;
      return;
    }
    renderChat();
    saveSession();
    if (!tellBot) return;
    if (directLine.connectionStatus$.getValue() === ONLINE) sendLanguageEvent(next);
    else pendingLanguageEvent = next;
  }

  /** The sequence number in a Direct Line activity id ("conversation|seq"), or NaN. */
  function seqOf(id) {
    var bar = String(id || '').lastIndexOf('|');
    return bar < 0 ? NaN : Number(String(id).slice(bar + 1));
  }

  /**
   * The bot signed the parent out, and the server has deleted the transcript from before the
   * sign-out request. The page then starts Web Chat afresh on the same conversation, reading on from
   * just before that request: a new store and a new element, so neither the transcript nor Web
   * Chat's screen-reader live region (which keeps what it announced) holds anything of the account.
   * Nothing to forget (a reload replaying the event) means nothing to do.
   */
  function forgetShown(getState, event) {
    var before = seqOf(event.value && event.value.forgetBefore);
    var from = isNaN(before) ? seqOf(event.id) : before - 1;
    if (isNaN(from)) return;
    var activities = (getState() && getState().activities) || [];
    var stale = activities.some(function (activity) {
      var seq = seqOf(activity.id);
      return !isNaN(seq) && seq <= from && activity.id !== event.id;
    });
    if (!stale || !directLine) return;
    var session = { token: directLine.token, conversationId: directLine.conversationId, watermark: String(from) };
    var hadFocus = chatElement.contains(document.activeElement);
    store = createStore();
    chatHost = newChatHost();
    connect(session, true);
    // The parent was typing here: the fresh send box takes the focus back.
    var input = hadFocus && chatHost.querySelector(SEND_BOX);
    if (input) input.focus();
  }

  function createStore() {
    return window.WebChat.createStore({}, function (api) {
      return function (next) {
        return function (action) {
          if (action.type === 'DIRECT_LINE/INCOMING_ACTIVITY') {
            var incoming = action.payload && action.payload.activity;
            if (incoming && incoming.type === 'event' && incoming.name === 'signedOut') {
              var getState = api.getState;
              setTimeout(function () {
                forgetShown(getState, incoming);
              }, 0);
            }
          }
          if (action.type === 'DIRECT_LINE/CONNECT_FULFILLED' && pendingLanguageEvent) {
            var value = pendingLanguageEvent;
            pendingLanguageEvent = null;
            // After the connect action settles, so Web Chat's send saga is listening.
            setTimeout(function () {
              sendLanguageEvent(value);
            }, 0);
          }
          if (action.type === 'DIRECT_LINE/INCOMING_ACTIVITY') {
            var activity = action.payload && action.payload.activity;
            // The parent may change language by typing ("español"); the bot tells us so here.
            if (activity && activity.type === 'event' && activity.name === 'languageChanged' && typeof activity.value === 'string') {
              var value2 = activity.value;
              setTimeout(function () {
                switchLanguage(value2, false);
              }, 0);
            }
          }
          return next(action);
        };
      };
    });
  }

  function requestToken(forLocale) {
    return window
      .fetch('/api/directline/token', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
        body: JSON.stringify({ locale: forLocale }),
        credentials: 'same-origin',
      })
      .then(function (response) {
        if (!response.ok) throw new Error('token request failed: ' + response.status);
        return response.json();
      });
  }

  function connect(session, resuming) {
    if (directLine) directLine.end();
    // Replies arrive on the Direct Line stream (the answer's streamUrl, on this server) as the bot sends
    // them; DirectLineJS polls instead where the browser has no WebSocket.
    var options = { token: session.token, domain: window.location.origin + '/v3/directline', webSocket: true };
    // With a conversationId DirectLineJS reconnects (and replays the transcript) instead of starting anew.
    if (resuming) options.conversationId = session.conversationId;
    if (resuming && session.watermark) options.watermark = session.watermark;
    directLine = window.WebChat.createDirectLine(options);
    var wasOnline = false;
    directLine.connectionStatus$.subscribe(function (status) {
      if (status === ONLINE) {
        wasOnline = true;
        statusElement.hidden = true;
        saveSession();
      } else if (status === FAILED_TO_CONNECT && !wasOnline) {
        forgetSession();
        if (resuming) startNew();
        else showStatus('chat.error');
      }
    });
    renderChat();
  }

  function startNew() {
    var requestedLocale = locale;
    requestToken(requestedLocale)
      .then(function (body) {
        if (leaving()) return;
        // The parent may have switched language while the token was on its way.
        if (locale !== requestedLocale) pendingLanguageEvent = locale;
        connect({ token: body.token, conversationId: body.conversationId }, false);
      })
      .catch(function (error) {
        console.error(error);
        showStatus('chat.error');
      });
  }

  function start() {
    if (!window.WebChat) {
      showStatus('chat.error');
      return;
    }
    store = createStore();
    var saved = readSession();
    if (saved) {
      if (saved.locale && normalizeLocale(saved.locale) !== locale) {
        locale = normalizeLocale(saved.locale);
        applyTexts(locale);
      }
      connect(saved, true);
    } else {
      startNew();
    }
  }

  /* ---- page controls ---- */

  var languageButtons = document.querySelectorAll('[data-locale]');
  for (var i = 0; i < languageButtons.length; i += 1) {
    languageButtons[i].addEventListener('click', function (event) {
      switchLanguage(event.currentTarget.getAttribute('data-locale'), true);
    });
  }

  // "Skip to chat" lands in the send box, where a keyboard user wants to be.
  document.getElementById('skip-link').addEventListener('click', function (event) {
    var input = chatElement.querySelector('[data-id="webchat-sendbox-input"], input[type="text"], textarea');
    event.preventDefault();
    (input || chatElement).focus();
  });

  // DirectLineJS refreshes its token by itself; keep the stored copy current for a reload.
  window.setInterval(saveSession, TOKEN_SAVE_INTERVAL_MS);
  window.addEventListener('pagehide', saveSession);

  start();
})();
