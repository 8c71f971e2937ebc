import { registry } from "@web/core/registry";

// The contractor's month (issue 16), started by ediflex_chorus/tests/test_tours.py: a contract, its first situation
// presented, the next one with the cumul carried; a piece refused on Chorus Pro, corrected and presented again.

function lotSteps(index, code, name, amount) {
    // The new row, not the one just left: "Add a line" selects the new row once the previous one is saved.
    const row = `.o_field_widget[name='lot_ids'] .o_data_row.o_selected_row:nth-child(${index})`;
    return [
        {
            content: `Add the lot ${code}`,
            trigger: ".o_field_widget[name='lot_ids'] .o_field_x2many_list_row_add a",
            run: "click",
        },
        { content: "Its code", trigger: `${row} .o_field_widget[name='code'] input`, run: `edit ${code}` },
        { content: "Its description", trigger: `${row} .o_field_widget[name='name'] input`, run: `edit ${name}` },
        { content: "Its amount", trigger: `${row} .o_field_widget[name='amount'] input`, run: `edit ${amount}` },
    ];
}

function progressSteps(item, percent, untaxed) {
    const input = `.o_field_widget[name='line_ids'] .o_selected_row .o_field_widget[name='progress_percent'] input`;
    return [
        {
            content: `Open the line ${item}`,
            trigger: `.o_field_widget[name='line_ids'] .o_data_row td[name='name']:contains('${item}')`,
            run: "click",
        },
        // Focused first: the progress bar shows its raw value on focus, which would overwrite a value typed at once.
        { content: "Focus its cumulative progress", trigger: input, run: "click" },
        { content: `Its cumulative progress: ${percent} %`, trigger: input, run: `edit ${percent}` },
        { content: "Leave the line", trigger: ".o_form_sheet .oe_title", run: "click" },
        {
            content: `The period's untaxed amount is now ${untaxed}`,
            trigger: `.o_field_widget[name='amount_untaxed']:contains('${untaxed}')`,
        },
    ];
}

registry.category("web_tour.tours").add("ediflex_contract_tour", {
    steps: () => [
        { content: "A new contract", trigger: ".o_list_button_add", run: "click" },
        { content: "Its number", trigger: ".o_field_widget[name='name'] input", run: "edit MARCHE-TOUR-01" },
        {
            content: "Its object",
            trigger: ".o_field_widget[name='subject'] input",
            run: "edit Réfection de la toiture de l'école",
        },
        { content: "The project owner", trigger: ".o_field_widget[name='owner_id'] input", run: "edit QUALIF-SUR" },
        {
            content: "Chosen among the public bodies",
            trigger: ".o-autocomplete--dropdown-item:contains('COMMUNE DE QUALIF-SUR-MER')",
            run: "click",
        },
        { content: "The project manager", trigger: ".o_field_widget[name='manager_id'] input", run: "edit ATELIER" },
        {
            content: "Chosen",
            trigger: ".o-autocomplete--dropdown-item:contains('ATELIER MOE ARCHITECTES')",
            run: "click",
        },
        ...lotSteps(1, "1.1", "Terrassements", "10000"),
        ...lotSteps(2, "1.2", "Fondations", "25000"),
        { content: "Save the contract", trigger: ".o_form_button_save", run: "click" },
        {
            content: "Its first situation",
            trigger: ".o_statusbar_buttons button[name='action_next_situation']",
            run: "click",
        },
        {
            content: "Situation 1, on the contract, with its lots",
            trigger: ".o_field_widget[name='line_ids'] .o_data_row td[name='name']:contains('Fondations')",
        },
        ...progressSteps("Terrassements", "40", "4,000.00"),
        ...progressSteps("Fondations", "10", "6,500.00"),
        {
            content: "Validate and present",
            trigger: ".o_statusbar_buttons button[name='action_present']",
            run: "click",
        },
        { content: "Presented", trigger: ".o_notification:contains('Situation presented.')" },
        {
            content: "Back to the contract",
            trigger: ".o_breadcrumb a:contains('MARCHE-TOUR-01')",
            run: "click",
        },
        {
            content: "The contract shows what is billed",
            trigger: ".o_field_widget[name='amount_billed']:contains('6,500.00')",
        },
        {
            content: "Next situation",
            trigger: ".o_statusbar_buttons button[name='action_next_situation']",
            run: "click",
        },
        {
            content: "Situation 2 carries the cumul of situation 1",
            trigger: ".o_data_row:contains('Terrassements') td[name='previous_cumulative_amount']:contains('4,000.00')",
        },
        {
            content: "and nothing is billed for the period yet",
            trigger: ".o_field_widget[name='amount_untaxed']:contains('0.00')",
        },
    ],
});

registry.category("web_tour.tours").add("ediflex_chorus_refusal_tour", {
    steps: () => [
        {
            content: "The situation is refused on Chorus Pro, and says so",
            trigger: ".alert-danger[name='chorus_refusal']:contains('Refused by Chorus Pro')",
        },
        {
            content: "One red banner, the refusal's: not the deposit log's 'waits for a person' besides",
            trigger: ".o_form_sheet:has(.alert-danger[name='chorus_refusal']):not(:has(.alert-danger:not([name='chorus_refusal'])))",
        },
        {
            content: "Correct and present again",
            trigger: ".o_statusbar_buttons button[name='action_correct']",
            run: "click",
        },
        {
            content: "Back to draft",
            trigger: ".o_statusbar_status button.o_arrow_button_current:contains('Draft')",
        },
        ...progressSteps("Foundations", "8", "6,000.00"),
        {
            content: "Present the corrected situation",
            trigger: ".o_statusbar_buttons button[name='action_present']",
            run: "click",
        },
        { content: "Presented", trigger: ".o_notification:contains('Situation presented.')" },
        {
            content: "The form is reloaded presented (a tab opened before the reload would close)",
            trigger: ".o_statusbar_status button.o_arrow_button_current:contains('Presented')",
        },
        {
            content: "Open its pieces",
            trigger: ".o_notebook .nav-link:contains('Chorus Pro')",
            run: "click",
        },
        {
            content: "The new piece replaces the refused one",
            trigger: ".o_field_widget[name='deposit_ids'] td[name='replaces_id']:contains('-A4')",
        },
    ],
});
