import { registry } from "@web/core/registry";

// One tour per kind of user, each started on its record by ediflex_chorus/tests/test_tours.py.

registry.category("web_tour.tours").add("ediflex_refuse_tour", {
    steps: () => [
        {
            content: "The project owner's approver refuses the presented situation",
            trigger: ".o_statusbar_buttons button:contains('Refuse')",
            run: "click",
        },
        {
            content: "A reason is asked",
            trigger: ".modal .o_field_widget[name='reason'] textarea",
            run: "edit Le poste 1.2 dépasse le montant du marché.",
        },
        {
            content: "Confirm the refusal",
            trigger: ".modal button[name='action_confirm']",
            run: "click",
        },
        {
            content: "The reason shows on the refused situation",
            trigger: ".alert-warning:contains('dépasse le montant du marché')",
        },
    ],
});

registry.category("web_tour.tours").add("ediflex_connection_tour", {
    steps: () => [
        {
            content: "Open the Chorus Pro page of the company",
            trigger: ".o_notebook .nav-link:contains('Chorus Pro')",
            run: "click",
        },
        {
            content: "The administrator tests the connection to Chorus Pro from the company",
            trigger: "button[name='action_chorus_test_connection']",
            run: "click",
        },
        {
            content: "Every step works: a checklist, one line per step",
            trigger: ".modal .o_ediflex_checklist li.text-success:contains('OK: the works invoicing API answers.')",
        },
    ],
});

registry.category("web_tour.tours").add("ediflex_log_tour", {
    steps: () => [
        {
            content: "The log opens on the deposits to handle: the failed one is there",
            trigger: ".o_searchview_facet:contains('To Handle')",
        },
        {
            content: "Its error is a column",
            trigger: ".o_data_row td[name='error_message']:contains('Chorus Pro rejected the deposit')",
        },
        {
            content: "Select it",
            trigger: ".o_data_row .o_list_record_selector input",
            run: "click",
        },
        {
            content: "Retry the selection",
            trigger: ".o_list_buttons button[name='action_retry'], .o_control_panel_actions button[name='action_retry']",
            run: "click",
        },
        {
            content: "It goes again",
            trigger: ".o_notification:contains('will be sent again')",
        },
    ],
});

registry.category("web_tour.tours").add("ediflex_present_tour", {
    steps: () => [
        {
            content: "The contractor's user validates and presents the draft situation",
            trigger: ".o_statusbar_buttons button[name='action_present']",
            run: "click",
        },
        {
            content: "A toast says it is presented and its copy goes to Chorus Pro",
            trigger: ".o_notification:contains('Situation presented.')",
        },
        {
            content: "The statusbar moves on",
            trigger: ".o_statusbar_status button.o_arrow_button_current:contains('Presented')",
        },
    ],
});

registry.category("web_tour.tours").add("ediflex_accept_tour", {
    steps: () => [
        {
            content: "The project owner's approver accepts the presented situation",
            trigger: ".o_statusbar_buttons button[name='action_accept']",
            run: "click",
        },
        {
            content: "A toast says it is accepted",
            trigger: ".o_notification:contains('Situation accepted.')",
        },
        {
            content: "The statusbar moves on",
            trigger: ".o_statusbar_status button.o_arrow_button_current:contains('Accepted')",
        },
    ],
});

registry.category("web_tour.tours").add("ediflex_portal_accept_tour", {
    steps: () => [
        {
            content: "The project owner's person opens the presented situation from the portal list",
            trigger: "a.o_ediflex_portal_situation",
            run: "click",
        },
        {
            content: "Reads its lines, then accepts",
            trigger: "td:contains('Earthworks') ~ td, button.o_ediflex_portal_accept",
        },
        {
            content: "Accept",
            trigger: "button.o_ediflex_portal_accept",
            run: "click",
        },
        {
            content: "Confirm in the dialog",
            trigger: ".modal.show button.o_ediflex_portal_confirm_accept",
            run: "click",
        },
        {
            content: "The situation is accepted and its copy goes to Chorus Pro",
            trigger: ".alert-success:contains('accepted copy is being deposited')",
        },
    ],
});

registry.category("web_tour.tours").add("ediflex_graph_tour", {
    steps: () => [
        {
            content: "Every deposit, not only those to handle",
            trigger: ".o_searchview_facet:contains('To Handle') .o_facet_remove",
            run: "click",
        },
        {
            content: "The accountant switches the log to its graph",
            trigger: ".o_switch_view.o_graph",
            run: "click",
        },
        {
            content: "Each state is painted in the colour of its meaning, as in the list",
            trigger: ".o_graph_renderer canvas",
            run() {
                const chart = window.Chart.getChart(document.querySelector(".o_graph_renderer canvas"));
                const colours = Object.fromEntries(chart.data.datasets.map((d) => [d.label, d.backgroundColor]));
                // Blue for sent, dark red for rejected: the list's info and danger decorations.
                const expected = { Sent: "#3a9fc7", Rejected: "#b52a26" };
                for (const [label, colour] of Object.entries(expected)) {
                    if (colours[label] !== colour) {
                        throw new Error(`${label} painted ${colours[label]}, not ${colour}: ${JSON.stringify(colours)}`);
                    }
                }
                // The legend's swatches are the bars' colours (Odoo's would draw an array of colours black).
                const legend = chart.options.plugins.legend.labels.generateLabels(chart);
                const swatches = Object.fromEntries(legend.map((item) => [item.text, item.fillStyle]));
                for (const [label, colour] of Object.entries(expected)) {
                    if (swatches[label] !== colour) {
                        throw new Error(`legend ${label} is ${swatches[label]}, not ${colour}`);
                    }
                }
            },
        },
        {
            content: "As a pie",
            trigger: ".o_graph_button[data-mode='pie']",
            run: "click",
        },
        {
            content: "The pie's legend has the slices' colours",
            trigger: ".o_graph_renderer canvas",
            run() {
                const chart = window.Chart.getChart(document.querySelector(".o_graph_renderer canvas"));
                if (chart.config.type !== "pie") {
                    throw new Error("not a pie yet");
                }
                const slices = chart.data.datasets[0].backgroundColor;
                const legend = chart.options.plugins.legend.labels.generateLabels(chart);
                legend.forEach((item, index) => {
                    if (item.fillStyle !== slices[index]) {
                        throw new Error(`legend ${item.text} is ${item.fillStyle}, its slice ${slices[index]}`);
                    }
                });
            },
        },
    ],
});
