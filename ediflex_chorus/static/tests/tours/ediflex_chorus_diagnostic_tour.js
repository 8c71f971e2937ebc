import { registry } from "@web/core/registry";

// The administrator runs the deposit diagnostic from the company form, on an emulator that takes the Factur-X
// flow road only, and sets the company's road to it (ediflex_chorus/tests/test_diagnostic.py).

function pick(field, name) {
    return [
        {
            content: `Choose ${name}`,
            trigger: `.modal .o_field_widget[name='${field}'] input`,
            run: `edit ${name}`,
        },
        {
            content: `${name} is offered`,
            trigger: `.o-autocomplete--dropdown-item a:contains('${name}')`,
            run: "click",
        },
    ];
}

registry.category("web_tour.tours").add("ediflex_diagnostic_tour", {
    steps: () => [
        {
            content: "Open the Chorus Pro page of the company",
            trigger: ".o_notebook .nav-link:contains('Chorus Pro')",
            run: "click",
        },
        {
            content: "The diagnostic's button sits beside the connection test",
            trigger: "button[name='action_chorus_test_connection'] ~ button:contains('Deposit Diagnostic')",
            run: "click",
        },
        ...pick("owner_id", "COMMUNE DE QUALIF-SUR-MER"),
        ...pick("manager_id", "ATELIER MOE ARCHITECTES"),
        {
            content: "No long wait for the flow reports: the emulator answers at once",
            trigger: ".modal .o_field_widget[name='wait_seconds'] input",
            run: "edit 0",
        },
        {
            content: "Run the diagnostic",
            trigger: ".modal button[name='action_run']",
            run: "click",
        },
        {
            content: "The report says which road Chorus Pro took",
            trigger: ".modal .o_field_widget[name='report']:contains('Factur-X flow: accepted')",
        },
        {
            content: "Set the company's road to it",
            trigger: ".modal button[name='action_apply']",
            run: "click",
        },
        {
            content: "The company's road is told",
            trigger: ".o_notification:contains('Factur-X flow')",
        },
    ],
});
