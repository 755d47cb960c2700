/** @odoo-module */

import {registry} from "@web/core/registry";

// A customer opens the link of the reminder email and reports a problem on
// the overdue invoice, with the reason and an explanation.
registry.category("web_tour.tours").add("account_dunning_fr_portal_dispute", {
    steps: () => [
        {
            content: "The overdue invoice is ticked for the dispute",
            trigger: "form.o_dunning_dispute input[name=move_ids]:checked",
        },
        {
            content: "The quantity delivered is wrong",
            trigger: "form.o_dunning_dispute select[name=reason_type]",
            run: 'select "quantity"',
        },
        {
            content: "Explain",
            trigger: "form.o_dunning_dispute textarea[name=comment]",
            run: "edit Il manquait deux palettes à la livraison.",
        },
        {
            content: "Send",
            trigger: "form.o_dunning_dispute button[type=submit]",
            run: "click",
        },
        {
            content: "The dispute is confirmed",
            trigger: ".o_dunning_done_dispute",
        },
        {
            content: "The invoice is under review",
            trigger: ".o_dunning_line .badge.text-bg-secondary",
        },
    ],
});

// A customer opens the link of the reminder email and goes to pay the
// overdue invoice online: the payment page lists it above the payment form.
registry.category("web_tour.tours").add("account_dunning_fr_portal_pay", {
    steps: () => [
        {
            content: "The overdue invoice is ticked for payment",
            trigger: "form.o_dunning_pay input[name=move_ids]:checked",
        },
        {
            content: "Pay now",
            trigger: "form.o_dunning_pay button[type=submit]",
            run: "click",
        },
        {
            content: "The payment page lists the invoice paid",
            trigger: ".o_dunning_payment_invoices tbody tr",
        },
        {
            content: "Under it, the payment form offers the company's provider",
            trigger: ".o_dunning_payment #o_payment_form",
        },
    ],
});

// Once customers have answered, the accountant previews the day's reminders:
// only the customer who said nothing is proposed.
registry.category("web_tour.tours").add("account_dunning_fr_answer_loop_preview", {
    steps: () => [
        {
            content: "Preview the actions due today",
            trigger: ".modal button[name=action_preview]",
            run: "click",
        },
        {
            content: "The customer who did not answer is proposed",
            trigger: ".modal .o_data_row td[name=partner_id]:contains(Garage Leroy)",
        },
        {
            content: "And nobody else",
            trigger: ".modal .o_list_renderer:not(:has(.o_data_row ~ .o_data_row))",
        },
    ],
});
