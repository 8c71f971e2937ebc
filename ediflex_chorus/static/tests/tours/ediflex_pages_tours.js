import { rpc } from "@web/core/network/rpc";
import { registry } from "@web/core/registry";
import { user } from "@web/core/user";

// The pages of issue 16, each started by ediflex_chorus/tests/test_pages.py.

registry.category("web_tour.tours").add("ediflex_portal_thread_tour", {
    steps: () => [
        {
            content: "The portal's home card counts the situations presented to the body",
            trigger: ".o_portal_index_card a[href='/my/situations'] [data-placeholder_count='situation_count']:contains('1')",
        },
        {
            content: "Open the situations",
            trigger: ".o_portal_index_card a[href='/my/situations']",
            run: "click",
        },
        {
            content: "The status in the buyer's words, not the addon's",
            trigger: ".o_ediflex_portal_chorus:contains('Being deposited on Chorus Pro')",
        },
        {
            content: "Open the situation",
            trigger: "a.o_ediflex_portal_situation",
            run: "click",
        },
        {
            content: "The contractor's message is in the situation's thread",
            trigger: "#ediflex_situation_communication #chatterRoot:shadow .o-mail-Message-body:contains('the October situation')",
        },
        {
            content: "Answer in the thread",
            trigger: "#ediflex_situation_communication #chatterRoot:shadow .o-mail-Composer-input",
            run: "edit Received, we check it this week.",
        },
        {
            content: "Send",
            trigger: "#ediflex_situation_communication #chatterRoot:shadow .o-mail-Composer-send:enabled",
            run: "click",
        },
        {
            content: "The answer shows in the thread",
            trigger: "#ediflex_situation_communication #chatterRoot:shadow .o-mail-Message-body:contains('we check it this week')",
        },
    ],
});

registry.category("web_tour.tours").add("ediflex_portal_french_thread_tour", {
    steps: () => [
        {
            content: "The contractor's message is in the situation's thread",
            trigger: "#ediflex_situation_communication #chatterRoot:shadow .o-mail-Message-body:contains('situation d')",
        },
        {
            // Posted a moment before: "Aujourd'hui à ...", mail's French for "Today at ...".
            content: "Its date is French, like the rest of the page",
            trigger: "#ediflex_situation_communication #chatterRoot:shadow .o-mail-Message-date:contains(Aujourd)",
        },
    ],
});

registry.category("web_tour.tours").add("ediflex_retry_result_tour", {
    steps: () => [
        {
            content: "The deposit was rejected",
            trigger: ".o_statusbar_status button.o_arrow_button_current:contains('Rejected')",
        },
        {
            content: "The accountant retries it",
            trigger: ".o_statusbar_buttons button[name='action_retry']",
            run: "click",
        },
        {
            content: "It is queued; the test's stand-in for the sending cron waits for this sign that the form shows it",
            trigger: ".o_statusbar_status:has(button.o_arrow_button_current:contains('To Send'))",
            run: () => rpc("/web/dataset/call_kw/res.users/write", {
                model: "res.users", method: "write", args: [[user.userId], { signature: "<p>to_send seen</p>" }],
                kwargs: {},
            }),
        },
        {
            // No reload, no click: the form reads the deposit again while it is on its way.
            content: "The result shows by itself once the sending cron has sent it",
            trigger: ".o_statusbar_status button.o_arrow_button_current:contains('Sent')",
            timeout: 60000,
        },
    ],
});

registry.category("web_tour.tours").add("ediflex_french_breadcrumb_tour", {
    steps: () => [
        {
            content: "The breadcrumb back to the list says so in French",
            trigger: ".breadcrumb a.fw-bold[data-tooltip^='Retourner vers']",
        },
    ],
});
