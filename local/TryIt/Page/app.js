// The try-it page: sign in as a demo user, build an order, go through the simulated Gateway SDK screens, then watch
// the app's tracker follow the transaction. It calls the app's real API with the user's bearer token; the SDK screens
// and the market clock go through the app's same-origin proxy to the embedded simulator (/try/sim/...).
"use strict";

(() => {
  const POLL_INTERVAL_MS = 1000;
  const SESSION_KEY = "tryit.session";

  const BROKER_NAMES = {
    aliceblue: "Alice Blue", angelbroking: "Angel One", axis: "Axis Direct", dhan: "Dhan", edelweiss: "Nuvama (Edelweiss)",
    fisdom: "Fisdom", fivepaisa: "5paisa", fundzbazar: "FundzBazar", groww: "Groww", hdfc: "HDFC Securities",
    icici: "ICICI Direct", iifl: "IIFL Securities", kite: "Zerodha Kite", kotak: "Kotak Securities",
    motilal: "Motilal Oswal", trustline: "Trustline", upstox: "Upstox",
  };

  const PHASES = {
    AwaitingUser: "Waiting for you",
    OrdersOpen: "Orders open",
    Confirming: "Confirming the result",
    Completed: "Completed",
    Failed: "Failed",
    Expired: "Expired",
  };

  const ORDER_STATUSES = {
    PLACED: "Open", ACKED: "Open", PARTIAL: "Partly filled, still open", COMPLETE: "Filled", REJECTED: "Rejected",
    CANCELLED: "Cancelled", "CANCELLED AMO": "AMO cancelled", ERROR: "Error",
  };

  const BATCH_STATUSES = {
    PLACED: "Placed", ACKED: "Placed", PARTIALLYPLACED: "Partly placed", COMPLETED: "Completed",
    PARTIALLYFILLED: "Partly filled", UNFILLED: "Not filled", UNPLACED: "Not placed", CANCELLED: "Cancelled",
    MARKEDCOMPLETE: "Marked complete", FIXED: "Fixed", ERROR: "Error",
  };

  const ORDER_TYPES = { MARKET: "Market", LIMIT: "Limit", SL: "Stop-loss (SL)", "SL-M": "Stop-loss market (SL-M)" };

  const FINAL_ORDER_STATUSES = new Set(["COMPLETE", "REJECTED", "CANCELLED", "CANCELLED AMO", "ERROR"]);

  const POLL_TARGETS = {
    TransactionDetails: "the transaction's status",
    OrderDetails: "the order details",
  };

  const SDK_ERRORS = {
    user_cancelled: "you cancelled the order in the Gateway screens, so nothing was placed.",
    transaction_expired: "the transaction expired before it was confirmed, so nothing was placed.",
    market_closed: "the broker does not take orders while the market is closed.",
    user_mismatch: "the broker account you logged in with is linked to another user.",
    insufficient_holdings: "you do not hold enough of a stock you tried to sell.",
    order_not_open: "the order is no longer open: it was filled or cancelled meanwhile.",
  };

  // The errors the SDKs report by number.
  const SdkErrorNames = { 1001: "user_mismatch", 1005: "transaction_expired", 1006: "no_broker", 1007: "no_broker" };

  // The app runs with invariant globalization; the browser formats rupees with Indian digit grouping (₹1,23,456.78).
  const inr = new Intl.NumberFormat("en-IN", { style: "currency", currency: "INR" });
  const istDateTime = new Intl.DateTimeFormat("en-IN", {
    timeZone: "Asia/Kolkata", weekday: "short", day: "numeric", month: "short", hour: "2-digit", minute: "2-digit", hourCycle: "h23",
  });
  const istTime = new Intl.DateTimeFormat("en-IN", {
    timeZone: "Asia/Kolkata", day: "numeric", month: "short", hour: "2-digit", minute: "2-digit", second: "2-digit", hourCycle: "h23",
  });

  const $ = (id) => document.getElementById(id);

  const state = {
    session: readSession(),
    config: null,
    clock: null,
    transaction: null, // { id, gatewayToken }
    sdk: null, // what the SDK screens are open for: the transaction, or a cancellation { id, gatewayToken, cancels: { ticker, sdkResultUrl } }
    sdkBroker: null,
    sdkSecurities: [],
    placed: {}, // ticker → { batchId, orderType, variety, status }, from the SDK's order response
    cancelled: new Set(), // tickers whose cancellation the user confirmed, until the tracker shows the result
    createKey: null, // { body, key }: a retried create reuses its Idempotency-Key
    poll: 0, // generation of the status poll; a new order stops the old one
    polling: false, // the status poll also refreshes the clock, every second
    lastView: "",
    lastSummary: "",
    rowSeq: 0,
  };

  class ProblemError extends Error {
    constructor(problem, status) {
      super(problem.title || "The request failed.");
      this.problem = problem;
      this.status = status;
    }
  }

  // ---- HTTP ---------------------------------------------------------------------------------------------------

  async function call(url, { method = "GET", body, token, headers = {} } = {}) {
    const init = { method, headers: { Accept: "application/json, application/problem+json", ...headers } };
    if (body !== undefined) {
      init.headers["Content-Type"] = "application/json";
      init.body = JSON.stringify(body);
    }
    if (token) {
      init.headers.Authorization = `Bearer ${token}`;
    }

    let response;
    try {
      response = await fetch(url, init);
    } catch {
      throw new ProblemError({ title: "The app could not be reached.", detail: "Check that it is still running, then try again." }, 0);
    }

    const text = await response.text();
    let data = null;
    if (text) {
      try {
        data = JSON.parse(text);
      } catch {
        data = null;
      }
    }
    if (!response.ok) {
      throw new ProblemError(problemFrom(response, data), response.status);
    }
    return data;
  }

  function problemFrom(response, data) {
    if (data && typeof data === "object" && (data.title || data.detail || data.errors)) {
      return data;
    }
    if (response.status === 401) {
      return { title: "You are not signed in.", detail: "Sign in again to continue." };
    }
    return { title: `The request failed (${response.status}${response.statusText ? " " + response.statusText : ""}).` };
  }

  const appApi = (path, options = {}) => call(path, { ...options, token: state.session?.token });

  const sdkStep = (step, body) =>
    call(`/try/sim/_sdk/transactions/${encodeURIComponent(state.sdk.id)}/${step}`, {
      method: "POST",
      body: body ?? {},
      headers: { "x-gateway-authtoken": state.sdk.gatewayToken },
    });

  function newIdempotencyKey() {
    const bytes = crypto.getRandomValues(new Uint8Array(16));
    return "tryit-" + Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
  }

  // ---- Errors as a person reads them ------------------------------------------------------------------------

  function describeField(field) {
    const match = /^securities\[(\d+)\]\.?(.*)$/.exec(field);
    if (match) {
      return `Stock ${Number(match[1]) + 1}${match[2] ? ", " + match[2] : ""}`;
    }
    const names = { securities: "Stocks", userName: "User name", body: "Request", smallcaseAuthToken: "Broker login" };
    return names[field] ?? field;
  }

  function showProblem(container, error) {
    const problem = error instanceof ProblemError
      ? error.problem
      : { title: "Something went wrong on this page.", detail: String(error?.message ?? error) };
    container.hidden = false;
    container.replaceChildren();
    const title = document.createElement("p");
    title.className = "problem-title";
    title.textContent = problem.title || "The request failed.";
    container.append(title);
    if (problem.detail) {
      const detail = document.createElement("p");
      detail.textContent = problem.detail;
      container.append(detail);
    }
    if (problem.errors && typeof problem.errors === "object") {
      const list = document.createElement("ul");
      for (const [field, messages] of Object.entries(problem.errors)) {
        for (const message of [].concat(messages)) {
          const item = document.createElement("li");
          item.textContent = `${describeField(field)}: ${message}`;
          list.append(item);
        }
      }
      container.append(list);
    }
  }

  function clearProblem(container) {
    container.hidden = true;
    container.replaceChildren();
  }

  // A 401 from the app means the demo session ended: back to sign-in, saying why.
  function handleAppError(container, error) {
    if (error instanceof ProblemError && error.status === 401) {
      signOut();
      showProblem($("signin-error"), new ProblemError({ title: "Your demo session has ended.", detail: "Sign in again to continue." }, 401));
      $("user-name").focus();
      return;
    }
    showProblem(container, error);
  }

  async function busy(button, work) {
    button.disabled = true;
    button.setAttribute("aria-busy", "true");
    try {
      return await work();
    } finally {
      button.disabled = false;
      button.removeAttribute("aria-busy");
    }
  }

  // ---- Formatting -------------------------------------------------------------------------------------------

  const formatIst = (instant) => `${istDateTime.format(new Date(instant))} IST`;
  const formatIstShort = (instant) => `${istTime.format(new Date(instant))} IST`;
  const brokerName = (key) => (key ? BROKER_NAMES[key.replace(/-leprechaun$/, "")] ?? key : "Not chosen yet");
  const side = (type) => ((type ?? "").toUpperCase() === "SELL" ? "Sell" : "Buy");

  function orderStatus(order) {
    if (order.unplaced) {
      return "Not placed" + (order.errorCode ? ` (${order.errorCode})` : "");
    }
    const status = (order.status ?? "").toUpperCase();
    let text = ORDER_STATUSES[status] ?? order.status;
    if (status === "CANCELLED" && order.filledQuantity > 0) {
      text = "Cancelled after a partial fill";
    }
    return order.errorCode ? `${text} (${order.errorCode})` : text;
  }

  function describeError(error) {
    if (!error) {
      return "the Gateway reported an error.";
    }
    return SDK_ERRORS[error.code] ?? (error.message || error.code || "the Gateway reported an error.");
  }

  function summarize(view) {
    const orders = view.batches.flatMap((b) => b.orders);
    const filled = orders.filter((o) => (o.status ?? "").toUpperCase() === "COMPLETE");
    switch (view.status) {
      case "AwaitingUser":
        return "Waiting for you to finish in the Gateway screens.";
      case "OrdersOpen": {
        if (orders.length === 0) {
          // The Gateway says PROCESSING and shows no order details until every order is final.
          const nextOpen = state.clock?.nextSessionOpen;
          return state.clock?.marketOpen
            ? "Your orders are with your broker and still open; each stock's result appears once smallcase confirms it."
            : "Your orders wait at your broker as after-market orders (AMO): they go to the exchange when the market opens"
              + (nextOpen ? `, ${formatIst(nextOpen)}` : "") + "; each stock's result appears once smallcase confirms it.";
        }
        const open = orders.filter((o) => !o.final);
        const amo = open.some((o) => (o.variety ?? "").toLowerCase() === "amo")
          || view.batches.some((b) => (b.variety ?? "").toLowerCase() === "amo");
        if (amo) {
          const nextOpen = state.clock?.nextSessionOpen;
          return "Your orders are after-market orders (AMO): they go to the exchange when the market opens"
            + (nextOpen ? `, ${formatIst(nextOpen)}.` : ".");
        }
        return `Orders placed: ${filled.length} of ${orders.length} filled so far; waiting for the rest.`;
      }
      case "Confirming":
        return "Every order has an outcome; the app is confirming the result with smallcase.";
      case "Completed": {
        if (orders.length > 0 && filled.length === orders.length) {
          return orders.length === 1 ? "Completed: your order was filled." : `Completed: all ${orders.length} orders were filled.`;
        }
        const parts = [`Completed: ${filled.length} of ${orders.length} orders filled in full`];
        const partly = orders.filter((o) => o.filledQuantity > 0 && (o.status ?? "").toUpperCase() !== "COMPLETE");
        if (partly.length > 0) {
          parts.push("partly filled: " + partly.map((o) => `${o.ticker} ${o.filledQuantity} of ${o.quantity}`).join(", "));
        }
        const cancelled = orders.filter((o) => o.filledQuantity === 0
          && ((o.status ?? "").toUpperCase() === "CANCELLED AMO" || (state.cancelled.has(o.ticker) && (o.status ?? "").toUpperCase() === "CANCELLED")));
        if (orders.length === 1 && cancelled.length === 1) {
          return "Completed: your order was cancelled before it was filled.";
        }
        if (cancelled.length > 0) {
          parts.push("cancelled: " + cancelled.map((o) => o.ticker).join(", "));
        }
        const none = orders.filter((o) => o.filledQuantity === 0 && !cancelled.includes(o));
        if (none.length > 0) {
          parts.push("not filled: " + none.map((o) => o.ticker).join(", "));
        }
        return parts.join("; ") + ".";
      }
      case "Failed":
        return `Failed: ${describeError(view.error)}`;
      case "Expired":
        return "Expired: the Gateway screens were not finished in time, so no order was placed.";
      default:
        return view.status;
    }
  }

  // ---- Market clock -----------------------------------------------------------------------------------------

  function renderClock(clock) {
    state.clock = clock;
    $("clock-now").textContent = formatIst(clock.now);
    const market = $("clock-market");
    market.textContent = clock.marketOpen ? "Market open" : "Market closed";
    market.dataset.open = String(clock.marketOpen);
    $("clock-next").textContent = clock.marketOpen ? "" : `Next session opens ${formatIst(clock.nextSessionOpen)}.`;
  }

  async function refreshClock() {
    try {
      renderClock(await call("/try/sim/_sim/clock"));
      clearProblem($("clock-error"));
    } catch (error) {
      showProblem($("clock-error"), error);
    }
  }

  async function moveClock(button, change, describe) {
    await busy(button, async () => {
      try {
        const clock = await call("/try/sim/_sim/clock", { method: "POST", body: change });
        renderClock(clock);
        clearProblem($("clock-error"));
        $("clock-announce").textContent = `${describe}: the market clock is now ${formatIst(clock.now)}.`;
      } catch (error) {
        showProblem($("clock-error"), error);
      }
    });
  }

  // ---- Sign in ----------------------------------------------------------------------------------------------

  function readSession() {
    try {
      const session = JSON.parse(sessionStorage.getItem(SESSION_KEY) ?? "null");
      return session && new Date(session.expiresAt) > new Date() ? session : null;
    } catch {
      return null;
    }
  }

  async function signIn(event) {
    event.preventDefault();
    const button = event.submitter ?? $("signin-form").querySelector("button");
    await busy(button, async () => {
      try {
        const session = await call("/try/api/session", { method: "POST", body: { userName: $("user-name").value } });
        state.session = session;
        sessionStorage.setItem(SESSION_KEY, JSON.stringify(session));
        clearProblem($("signin-error"));
        renderSignedIn();
        $("order-rows").querySelector("input")?.focus();
      } catch (error) {
        showProblem($("signin-error"), error);
        $("user-name").setAttribute("aria-invalid", "true");
      }
    });
  }

  function signOut() {
    state.session = null;
    sessionStorage.removeItem(SESSION_KEY);
    stopPolling();
    state.transaction = null;
    renderSignedIn();
  }

  function renderSignedIn() {
    const signedIn = state.session !== null;
    $("signin-form").hidden = signedIn;
    $("signed-in").hidden = !signedIn;
    $("signed-in-name").textContent = state.session?.userId ?? "";
    $("user-name").removeAttribute("aria-invalid");
    $("order").hidden = !signedIn || state.transaction !== null;
    if (!signedIn) {
      $("sdk").hidden = true;
      $("status").hidden = true;
    }
  }

  // ---- Order builder ----------------------------------------------------------------------------------------

  function field(labelText, control) {
    const wrapper = document.createElement("div");
    wrapper.className = "field";
    const label = document.createElement("label");
    label.htmlFor = control.id;
    label.textContent = labelText;
    wrapper.append(label, control);
    return wrapper;
  }

  function addRow({ ticker = "", quantity = "", type = "BUY" } = {}) {
    const id = `row-${++state.rowSeq}`;
    const row = document.createElement("fieldset");
    row.className = "order-row";
    const legend = document.createElement("legend");
    row.append(legend);

    const tickerInput = document.createElement("input");
    Object.assign(tickerInput, { id: `${id}-ticker`, name: "ticker", value: ticker, autocomplete: "off", spellcheck: false, maxLength: 20 });
    tickerInput.setAttribute("autocapitalize", "characters");

    const quantityInput = document.createElement("input");
    Object.assign(quantityInput, { id: `${id}-quantity`, name: "quantity", type: "number", min: "1", step: "1", value: quantity });
    quantityInput.setAttribute("inputmode", "numeric");

    const sideSelect = document.createElement("select");
    Object.assign(sideSelect, { id: `${id}-type`, name: "type" });
    for (const value of ["BUY", "SELL"]) {
      sideSelect.append(new Option(side(value), value, false, value === type));
    }

    const remove = document.createElement("button");
    remove.type = "button";
    remove.className = "remove-row";
    remove.textContent = "Remove";
    remove.addEventListener("click", () => removeRow(row));

    row.append(field("Ticker", tickerInput), field("Quantity", quantityInput), field("Buy or sell", sideSelect), remove);
    $("order-rows").append(row);
    renumberRows();
    return row;
  }

  function removeRow(row) {
    const rows = [...$("order-rows").children];
    const next = rows[rows.indexOf(row) + 1] ?? rows[rows.indexOf(row) - 1];
    row.remove();
    renumberRows();
    (next?.querySelector("input") ?? $("add-row")).focus();
  }

  function renumberRows() {
    const rows = [...$("order-rows").children];
    rows.forEach((row, index) => {
      row.querySelector("legend").textContent = `Stock ${index + 1}`;
      const remove = row.querySelector(".remove-row");
      remove.setAttribute("aria-label", `Remove stock ${index + 1}`);
      remove.disabled = rows.length === 1;
    });
  }

  function readRows() {
    return [...$("order-rows").children].map((row) => {
      const security = { ticker: row.querySelector("[name=ticker]").value.trim().toUpperCase() };
      const quantity = row.querySelector("[name=quantity]").value.trim();
      if (quantity !== "") {
        security.quantity = Number(quantity);
        security.type = row.querySelector("[name=type]").value;
      }
      return security;
    });
  }

  function markInvalidRows(error) {
    for (const input of $("order-rows").querySelectorAll("input, select")) {
      input.removeAttribute("aria-invalid");
    }
    const errors = error instanceof ProblemError ? error.problem.errors ?? {} : {};
    const rows = [...$("order-rows").children];
    for (const key of Object.keys(errors)) {
      const match = /^securities\[(\d+)\]\.(ticker|quantity|type)$/.exec(key);
      rows[Number(match?.[1])]?.querySelector(`[name=${match[2]}]`)?.setAttribute("aria-invalid", "true");
    }
  }

  async function createTransaction(event) {
    event.preventDefault();
    const body = { securities: readRows() };
    const bodyText = JSON.stringify(body);
    if (state.createKey?.body !== bodyText) {
      state.createKey = { body: bodyText, key: newIdempotencyKey() };
    }

    await busy($("create"), async () => {
      try {
        const created = await appApi("/api/transactions", {
          method: "POST",
          body,
          headers: { "Idempotency-Key": state.createKey.key },
        });
        state.createKey = null;
        markInvalidRows(null);
        clearProblem($("order-error"));
        state.transaction = { id: created.transactionId, gatewayToken: created.gatewayToken };
        state.sdk = state.transaction;
        state.placed = {};
        state.cancelled = new Set();
        $("order").hidden = true;
        await openSdk();
      } catch (error) {
        markInvalidRows(error);
        handleAppError($("order-error"), error);
      }
    });
  }

  // ---- The simulated SDK screens ----------------------------------------------------------------------------

  function showSdkScreen(id) {
    for (const screen of ["sdk-broker", "sdk-login", "sdk-review", "sdk-cancel-order"]) {
      $(screen).hidden = screen !== id;
    }
    $("sdk-busy").textContent = "";
  }

  async function openSdk() {
    $("sdk").hidden = false;
    showSdkScreen(null);
    clearProblem($("sdk-error"));
    $("sdk-busy").textContent = "Opening the Gateway…";
    $("sdk-heading").focus();
    try {
      await sdkStep("open");
      renderBrokers();
      showSdkScreen("sdk-broker");
    } catch (error) {
      await sdkFailed(error);
    }
  }

  function renderBrokers() {
    const list = $("broker-list");
    list.replaceChildren();
    for (const key of state.config?.brokers ?? []) {
      const option = document.createElement("label");
      option.className = "broker";
      const radio = document.createElement("input");
      Object.assign(radio, { type: "radio", name: "broker", value: key });
      option.append(radio, document.createTextNode(brokerName(key)));
      list.append(option);
    }
  }

  async function chooseBroker(event) {
    event.preventDefault();
    const chosen = $("sdk-broker").querySelector("input[name=broker]:checked");
    if (!chosen) {
      showProblem($("sdk-error"), new ProblemError({ title: "Choose a broker to continue." }, 0));
      $("broker-list").querySelector("input")?.focus();
      return;
    }

    await runSdkStep(event, async () => {
      await sdkStep("broker", { broker: chosen.value });
      state.sdkBroker = chosen.value;
      $("login-heading").textContent = `Log in to ${brokerName(chosen.value)}`;
      showSdkScreen("sdk-login");
      $("account-id").focus();
    });
  }

  async function logIn(event) {
    event.preventDefault();
    await runSdkStep(event, async () => {
      const accountId = $("account-id").value.trim();
      const view = await sdkStep("login", { accountId: accountId === "" ? null : accountId });
      if (state.sdk.cancels) {
        $("cancel-order-text").textContent = `Cancel your open ${describeOpenOrder(state.sdk.cancels.ticker)}? Nothing of it has been filled yet.`;
        showSdkScreen("sdk-cancel-order");
        $("sdk-cancel-order").querySelector("button").focus();
        return;
      }
      renderReview(view.securities);
      showSdkScreen("sdk-review");
      $("review-list").querySelector("input")?.focus();
    });
  }

  const offersLimitOrders = () =>
    (state.config?.limitOrderBrokers ?? []).includes((state.sdkBroker ?? "").replace(/-leprechaun$/, ""));

  function renderReview(securities) {
    state.sdkSecurities = securities;
    const withOrderTypes = offersLimitOrders();
    $("review-hint").textContent = withOrderTypes
      ? "You can change a quantity or an order type before you confirm."
      : "You can change a quantity before you confirm.";
    const list = $("review-list");
    list.replaceChildren();
    securities.forEach((security, index) => {
      const item = document.createElement("li");
      const name = document.createElement("span");
      name.className = "ticker";
      name.textContent = security.ticker;
      const tag = document.createElement("span");
      tag.className = `side ${side(security.type).toLowerCase()}`;
      tag.textContent = side(security.type);

      const input = document.createElement("input");
      Object.assign(input, { id: `review-${index}`, type: "number", min: "1", step: "1", value: security.quantity ?? "" });
      input.setAttribute("inputmode", "numeric");
      input.dataset.ticker = security.ticker;
      item.append(name, tag, reviewField("Quantity", security.ticker, input));
      if (withOrderTypes) {
        const select = document.createElement("select");
        select.id = `order-type-${index}`;
        for (const [value, text] of Object.entries(ORDER_TYPES)) {
          select.append(new Option(text, value));
        }
        item.append(reviewField("Order type", security.ticker, select));
      }
      list.append(item);
    });
  }

  // A labelled control of one stock's review row; screen readers hear which stock it is for ("Quantity of ITC").
  function reviewField(labelText, ticker, control) {
    const label = document.createElement("label");
    label.htmlFor = control.id;
    label.textContent = labelText;
    const hidden = document.createElement("span");
    hidden.className = "visually-hidden";
    hidden.textContent = ` of ${ticker}`;
    label.append(hidden);
    const field = document.createElement("div");
    field.className = "field";
    field.append(label, control);
    return field;
  }

  async function confirmOrders(event) {
    event.preventDefault();
    await runSdkStep(event, async () => {
      const edits = state.sdkSecurities
        .map((security, index) => ({ security, value: $(`review-${index}`).value.trim() }))
        .filter(({ security, value }) => value !== String(security.quantity ?? ""))
        .map(({ security, value }) => ({ ticker: security.ticker, quantity: value === "" ? null : Number(value), type: security.type ?? "BUY" }));
      if (edits.length > 0) {
        await sdkStep("edit", { securities: edits });
      }
      for (const [index, security] of state.sdkSecurities.entries()) {
        const orderType = $(`order-type-${index}`)?.value ?? "MARKET";
        if (orderType !== "MARKET") {
          await sdkStep("order-type", { ticker: security.ticker, orderType });
        }
      }

      $("sdk-busy").textContent = "Placing your orders…";
      const result = await sdkStep("confirm");
      await finishSdk(result);
    });
  }

  async function cancelFlow(event) {
    await runSdkStep(event, async () => {
      const view = await sdkStep("cancel");
      await finishSdk(sdkFailure(view.error?.code ?? "user_cancelled", view.error?.message));
    });
  }

  async function confirmCancellation(event) {
    event.preventDefault();
    await runSdkStep(event, async () => {
      $("sdk-busy").textContent = "Cancelling your order…";
      const result = await sdkStep("confirm");
      await finishSdk(result);
    });
  }

  // ---- Cancelling an open order -----------------------------------------------------------------------------

  function describeOpenOrder(ticker) {
    const placed = state.placed[ticker] ?? {};
    const kind = (placed.variety ?? "").toLowerCase() === "amo" ? "after-market order (AMO)"
      : ORDER_TYPES[(placed.orderType ?? "").toUpperCase()]?.toLowerCase() ?? "order";
    return `${kind} for ${ticker}`;
  }

  // Only after-market, limit and stop-loss orders wait long enough to be cancelled; a market order fills at once.
  function isCancellable(order) {
    return !order.final
      && !state.cancelled.has(order.ticker)
      && ((order.variety ?? "").toLowerCase() === "amo" || ["LIMIT", "SL", "SL-M"].includes((order.orderType ?? "").toUpperCase()));
  }

  function cancelButton(ticker) {
    const button = document.createElement("button");
    button.type = "button";
    button.className = "cancel-order";
    button.textContent = "Cancel order";
    const hidden = document.createElement("span");
    hidden.className = "visually-hidden";
    hidden.textContent = ` for ${ticker}`;
    button.append(hidden);
    button.addEventListener("click", () => startCancellation(button, ticker));
    return button;
  }

  async function startCancellation(button, ticker) {
    await busy(button, async () => {
      try {
        const created = await appApi(`/api/transactions/${encodeURIComponent(state.transaction.id)}/cancellations`, {
          method: "POST",
          body: { ticker, batchId: state.placed[ticker]?.batchId ?? null },
        });
        clearProblem($("status-error"));
        state.sdk = { id: created.transactionId, gatewayToken: created.gatewayToken, cancels: { ticker, sdkResultUrl: created.sdkResultUrl } };
        await openSdk();
      } catch (error) {
        handleAppError($("status-error"), error);
      }
    });
  }

  // Runs one SDK step with the screen's buttons disabled; a step that ends the flow with an SDK error (422) goes
  // to the app as the SDK's error result, as the real SDK would return it.
  async function runSdkStep(event, work) {
    const buttons = [...(event.target.closest("form") ?? $("sdk")).querySelectorAll("button")];
    buttons.forEach((b) => { b.disabled = true; });
    clearProblem($("sdk-error"));
    try {
      await work();
    } catch (error) {
      await sdkFailed(error);
    } finally {
      buttons.forEach((b) => { b.disabled = false; });
      $("sdk-busy").textContent = "";
    }
  }

  async function sdkFailed(error) {
    if (error instanceof ProblemError && error.status === 422 && error.problem.code) {
      await finishSdk(error.problem.sdkResult ?? sdkFailure(error.problem.code, error.problem.detail));
      return;
    }
    showProblem($("sdk-error"), error);
  }

  // The envelope the SDK resolves with when the flow ends in an error (confirm resolves with a successful one).
  function sdkFailure(code, message) {
    return { success: false, data: null, transaction: "TRANSACTION", errorCode: code, errorMessage: message ?? null };
  }

  // What the app receives from the SDK, as the SDK resolves it: the order response after confirm, or the error that
  // ended the flow. A cancellation's result goes to the original transaction (its tracker reads the order's new
  // status from smallcase); one the user abandoned changes nothing, so nothing is posted.
  async function finishSdk(result) {
    $("sdk").hidden = true;
    const cancels = state.sdk.cancels;
    state.sdk = state.transaction;
    if (cancels) {
      $("status-heading").focus();
      if (!result.success) {
        const code = SDK_ERRORS[result.errorCode] ? result.errorCode : SdkErrorNames[result.errorCode];
        if (code !== "user_cancelled") {
          showProblem($("status-error"), new ProblemError({
            title: "The order was not cancelled.",
            detail: `The Gateway ended the cancellation: ${describeError({ code, message: result.errorMessage })}`,
          }, 0));
        }
        return;
      }
      state.cancelled.add(cancels.ticker);
      state.lastView = "";
    } else {
      rememberPlacedOrders(result);
      showStatus();
    }
    try {
      await appApi(cancels?.sdkResultUrl ?? `/api/transactions/${encodeURIComponent(state.transaction.id)}/sdk-result`, { method: "POST", body: result });
    } catch (error) {
      handleAppError($("status-error"), error);
    }
  }

  // The order response is what the page knows of open orders until smallcase reports them: their batch, type and variety.
  function rememberPlacedOrders(result) {
    let response = null;
    try {
      response = typeof result.data === "string" ? JSON.parse(result.data) : null;
    } catch {
      response = null;
    }
    for (const batch of response?.orderBatches ?? []) {
      for (const order of batch.orders ?? []) {
        state.placed[order.tradingsymbol] = {
          batchId: batch.batchId, orderType: order.orderType, variety: batch.variety, status: order.status,
        };
      }
    }
  }

  // ---- Live status ------------------------------------------------------------------------------------------

  function showStatus() {
    const status = $("status");
    status.hidden = false;
    clearProblem($("status-error"));
    $("status-id").textContent = state.transaction.id;
    state.lastView = "";
    state.lastSummary = "";
    $("status-heading").focus();
    const generation = ++state.poll;
    state.polling = true;
    pollStatus(generation);
  }

  function stopPolling() {
    state.poll++;
    state.polling = false;
  }

  async function pollStatus(generation) {
    if (generation !== state.poll || !state.transaction) {
      return;
    }
    try {
      const [view] = await Promise.all([
        appApi(`/api/transactions/${encodeURIComponent(state.transaction.id)}`),
        refreshClock(),
      ]);
      if (generation !== state.poll) {
        return;
      }
      renderStatus(view);
      clearProblem($("status-error"));
      if (view.final) {
        state.polling = false;
        return;
      }
    } catch (error) {
      if (generation !== state.poll) {
        return;
      }
      handleAppError($("status-error"), error);
      if (error instanceof ProblemError && error.status === 401) {
        state.polling = false;
        return;
      }
    }
    setTimeout(() => pollStatus(generation), POLL_INTERVAL_MS);
  }

  function renderStatus(view) {
    const text = JSON.stringify(view);
    if (text === state.lastView) {
      return;
    }
    state.lastView = text;

    const phase = $("status-phase");
    phase.textContent = PHASES[view.status] ?? view.status;
    phase.dataset.phase = view.status;
    $("status-broker").textContent = brokerName(view.broker);
    const target = view.next?.waitingFor ? POLL_TARGETS[view.next.waitingFor] ?? view.next.waitingFor : null;
    $("status-next").textContent = view.next
      ? `${formatIst(view.next.at)}${target ? `, for ${target}` : ""}`
      : view.final ? "None: the result is final." : "When the Gateway reports back.";

    const summary = summarize(view);
    if (summary !== state.lastSummary) {
      state.lastSummary = summary;
      $("status-summary").textContent = summary;
      $("status-summary").dataset.phase = view.status;
    }

    renderOrders(view);
    const timeline = $("status-timeline");
    timeline.replaceChildren(...view.timeline.map((entry) => {
      const item = document.createElement("li");
      const time = document.createElement("time");
      time.dateTime = entry.at;
      time.textContent = formatIstShort(entry.at);
      const event = document.createElement("span");
      event.textContent = entry.event;
      item.append(time, event);
      return item;
    }));
  }

  function cell(tag, text, label) {
    const element = document.createElement(tag);
    element.textContent = text;
    if (label) {
      element.dataset.label = label;
    }
    if (tag === "td") {
      element.setAttribute("role", "cell");
    }
    return element;
  }

  function renderOrders(view) {
    const container = $("status-orders");
    container.replaceChildren();
    if (view.batches.length === 0) {
      const heading = document.createElement("h3");
      heading.textContent = "Requested";
      const list = document.createElement("ul");
      list.className = "requested";
      for (const security of view.requested) {
        const item = cell("li", `${side(security.type)} ${security.quantity ?? ""} ${security.ticker}`.replace(/\s+/g, " "));
        const placed = state.placed[security.ticker];
        if (view.status === "OrdersOpen" && placed
          && isCancellable({ ticker: security.ticker, final: FINAL_ORDER_STATUSES.has((placed.status ?? "").toUpperCase()), ...placed })) {
          item.append(" ", cancelButton(security.ticker));
        } else if (state.cancelled.has(security.ticker) && !view.final) {
          item.append(" · cancellation confirmed, waiting for smallcase");
        }
        list.append(item);
      }
      container.append(heading, list);
      return;
    }

    view.batches.forEach((batch, index) => {
      const section = document.createElement("section");
      section.className = "batch";
      const heading = document.createElement("h3");
      heading.textContent = view.batches.length > 1 ? `Batch ${index + 1}` : "Orders";
      const facts = document.createElement("p");
      facts.className = "batch-facts";
      const parts = [BATCH_STATUSES[(batch.status ?? "").toUpperCase()] ?? batch.status ?? "Status unknown"];
      if ((batch.variety ?? "").toLowerCase() === "amo") {
        parts.push("after-market order (AMO)");
      }
      parts.push(`${batch.filled} of ${batch.quantity} filled`);
      facts.textContent = parts.join(" · ");

      // Explicit roles keep the table's meaning when phone-sized screens lay its rows out as cards.
      const table = document.createElement("table");
      table.setAttribute("role", "table");
      const caption = document.createElement("caption");
      caption.className = "visually-hidden";
      caption.textContent = `${heading.textContent}: each stock's status, filled quantity and average price`;
      const head = document.createElement("thead");
      head.setAttribute("role", "rowgroup");
      const headRow = document.createElement("tr");
      headRow.setAttribute("role", "row");
      for (const title of ["Stock", "Side", "Status", "Filled", "Average price"]) {
        const th = cell("th", title);
        th.scope = "col";
        th.setAttribute("role", "columnheader");
        headRow.append(th);
      }
      head.append(headRow);
      const body = document.createElement("tbody");
      body.setAttribute("role", "rowgroup");
      for (const order of batch.orders) {
        const row = document.createElement("tr");
        row.setAttribute("role", "row");
        const stock = cell("th", order.ticker, "Stock");
        stock.scope = "row";
        stock.setAttribute("role", "rowheader");
        const status = cell("td", orderStatus(order), "Status");
        if (view.status === "OrdersOpen" && isCancellable({ ...order, variety: order.variety ?? batch.variety })) {
          status.append(" ", cancelButton(order.ticker));
        }
        row.append(
          stock,
          cell("td", side(order.transactionType), "Side"),
          status,
          cell("td", `${order.filledQuantity} of ${order.quantity}`, "Filled"),
          cell("td", order.filledQuantity > 0 ? inr.format(order.averagePrice) : "–", "Average price"));
        body.append(row);
      }
      table.append(caption, head, body);

      const totals = document.createElement("p");
      totals.className = "totals";
      const sides = new Set(batch.orders.map((o) => side(o.transactionType)));
      const settled = batch.orders.every((o) => o.final);
      const amounts = [];
      if (sides.has("Buy") || batch.buyAmount > 0) {
        amounts.push(`${settled ? "Bought for" : "Bought so far:"} ${inr.format(batch.buyAmount)}`);
      }
      if (sides.has("Sell") || batch.sellAmount > 0) {
        amounts.push(`${settled ? "Sold for" : "Sold so far:"} ${inr.format(batch.sellAmount)}`);
      }
      totals.textContent = amounts.join(" · ");

      const scroller = document.createElement("div");
      scroller.className = "table-scroll";
      scroller.append(table);
      section.append(heading, facts, scroller, totals);
      container.append(section);
    });
  }

  function newOrder() {
    stopPolling();
    state.transaction = null;
    state.sdk = null;
    $("status").hidden = true;
    $("sdk").hidden = true;
    $("order").hidden = false;
    $("order-rows").querySelector("input")?.focus();
  }

  // ---- Start ------------------------------------------------------------------------------------------------

  async function loadConfig() {
    try {
      state.config = await call("/try/api/config");
      renderClock(state.config.clock);
      clearProblem($("clock-error"));
    } catch (error) {
      showProblem($("clock-error"), error);
    }
  }

  function start() {
    $("signin-form").addEventListener("submit", signIn);
    $("sign-out").addEventListener("click", () => {
      signOut();
      $("user-name").focus();
    });
    $("add-row").addEventListener("click", () => addRow().querySelector("input").focus());
    $("order-form").addEventListener("submit", createTransaction);
    $("sdk-broker").addEventListener("submit", chooseBroker);
    $("sdk-login").addEventListener("submit", logIn);
    $("sdk-review").addEventListener("submit", confirmOrders);
    $("sdk-cancel-order").addEventListener("submit", confirmCancellation);
    $("keep-order").addEventListener("click", cancelFlow);
    for (const button of document.querySelectorAll(".cancel-flow")) {
      button.addEventListener("click", cancelFlow);
    }
    $("new-order").addEventListener("click", newOrder);
    $("advance-hour").addEventListener("click", (event) => moveClock(event.currentTarget, { advanceBy: "01:00:00" }, "Advanced 1 hour"));
    $("jump-open").addEventListener("click", (event) => {
      const nextOpen = state.clock?.nextSessionOpen;
      if (nextOpen) {
        moveClock(event.currentTarget, { setTo: nextOpen }, "Jumped to the next market open");
      }
    });

    addRow({ ticker: "RELIANCE", quantity: "2", type: "BUY" });
    addRow({ ticker: "ITC", quantity: "10", type: "SELL" });
    addRow({ ticker: "NIFTYBEES", quantity: "25", type: "BUY" });
    renderSignedIn();
    loadConfig();
    // The simulated clock runs; while a transaction is tracked the status poll refreshes it every second.
    setInterval(() => {
      if (!state.polling) {
        refreshClock();
      }
    }, 5000);
  }

  start();
})();
