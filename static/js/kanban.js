/* 看板 (templates/admin/crm/project/kanban.html): drag a card to another column, or pick “移动到…” on the card
   (keyboard, phone). Every move is a POST that the server answers through project_change_stage; a refused move
   shows the server's message and the card stays where it was. “加载更多” appends a column's next cards. */
(function () {
  "use strict";
  const board = document.querySelector(".zj-kanban");
  if (!board) return;
  const status = document.getElementById("kanban-status");
  const csrf = document.querySelector("input[name=csrfmiddlewaretoken]").value;
  let dragged = null;

  function say(text, failed) {
    status.textContent = text;
    status.classList.toggle("zj-refused", Boolean(failed));
  }

  function column(stage) {
    return board.querySelector('.zj-column[data-stage="' + stage + '"]');
  }

  function addToCount(section, delta) {
    const count = section.querySelector(".zj-count");
    count.textContent = String(Number(count.textContent) + delta);
  }

  function fragment(html) {
    const holder = document.createElement("div");
    holder.innerHTML = html;
    return holder;
  }

  async function move(card, to) {
    if (!to || to === card.dataset.stage) return;
    const body = new FormData();
    body.append("csrfmiddlewaretoken", csrf);
    body.append("to", to);
    if (to === "lost") {
      const reason = window.prompt(board.dataset.lostPrompt, "");
      if (reason === null) return; // cancelled: the card stays
      body.append("note", reason);
    }
    const select = card.querySelector("select");
    let answer;
    try {
      const response = await fetch(select.dataset.move, {
        method: "POST", body: body, headers: {"X-CSRFToken": csrf}, credentials: "same-origin",
      });
      answer = await response.json();
    } catch (error) {
      answer = {error: board.dataset.failed};
    }
    if (answer.error) {
      say(answer.error, true);
      select.value = "";
      return;
    }
    const from = card.closest(".zj-column");
    const target = column(answer.stage);
    const moved = fragment(answer.html).firstElementChild;
    card.remove();
    target.querySelector(".zj-cards").prepend(moved);
    addToCount(from, -1);
    addToCount(target, 1);
    bindCard(moved);
    say(answer.message, false);
  }

  function bindCard(card) {
    const select = card.querySelector("select");
    if (select) select.addEventListener("change", function () { move(card, select.value); });
    card.addEventListener("dragstart", function (event) {
      dragged = card;
      event.dataTransfer.effectAllowed = "move";
      event.dataTransfer.setData("text/plain", card.dataset.project);
      const allowed = (card.dataset.allowed || "").split(" ");
      board.querySelectorAll(".zj-column").forEach(function (section) {
        section.classList.toggle("zj-legal", allowed.includes(section.dataset.stage));
      });
    });
    card.addEventListener("dragend", function () {
      dragged = null;
      board.querySelectorAll(".zj-column").forEach(function (section) { section.classList.remove("zj-legal"); });
    });
  }

  board.querySelectorAll(".zj-card").forEach(bindCard);
  board.querySelectorAll(".zj-column").forEach(function (section) {
    section.addEventListener("dragover", function (event) {
      if (dragged) event.preventDefault();
    });
    section.addEventListener("drop", function (event) {
      event.preventDefault();
      if (dragged) move(dragged, section.dataset.stage);
    });
  });

  board.querySelectorAll(".zj-more").forEach(function (button) {
    button.addEventListener("click", async function () {
      button.disabled = true;
      try {
        const response = await fetch(button.dataset.url, {credentials: "same-origin"});
        const page = await response.json();
        const cards = button.closest(".zj-column").querySelector(".zj-cards");
        Array.from(fragment(page.html).children).forEach(function (card) {
          if (!document.getElementById(card.id)) {
            cards.append(card);
            bindCard(card);
          }
        });
        if (page.next === null) {
          button.remove();
        } else {
          button.dataset.url = button.dataset.url.replace(/offset=\d+/, "offset=" + page.next);
          button.disabled = false;
        }
      } catch (error) {
        say(board.dataset.failed, true);
        button.disabled = false;
      }
    });
  });
})();
