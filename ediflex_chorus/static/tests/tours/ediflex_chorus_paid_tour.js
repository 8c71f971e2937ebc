import { registry } from "@web/core/registry";

// The accountant opens the late receivables, opens a late piece and prints the interest claim
// (ediflex_chorus/tests/test_piece_life.py).

registry.category("web_tour.tours").add("ediflex_late_payment_tour", {
    steps: () => [
        {
            content: "The receivables open on their 'Late' filter",
            trigger: ".o_searchview .o_facet_value:contains('Late')",
        },
        {
            content: "Open the late piece",
            trigger: ".o_data_row td[name='piece_number']",
            run: "click",
        },
        {
            content: "Open its payment page",
            trigger: ".o_notebook .nav-link:contains('Payment')",
            run: "click",
        },
        {
            content: "The piece shows the interest owed",
            trigger: ".o_form_view .o_field_widget[name='late_interest']:contains('61.82')",
        },
        {
            content: "Print the interest claim",
            trigger: ".o_statusbar_buttons button:contains('Print Interest Claim')",
            run: "click",
        },
        {
            content: "The form stays, with no error",
            trigger: "body:not(:has(.o_error_dialog)) .o_form_view .o_field_widget[name='late_indemnity']:contains('40.00')",
        },
    ],
});
