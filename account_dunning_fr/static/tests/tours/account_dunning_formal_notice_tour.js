/** @odoo-module */

import {registry} from "@web/core/registry";

const CHECKLIST = [
    "formal_notice_signed_order",
    "formal_notice_delivery_proof",
    "formal_notice_invoice_matches",
    "formal_notice_due_date_passed",
    "formal_notice_not_prescribed",
];

// From the customer's form, the accountant checks the claim and sends the
// formal notice by registered letter.
registry.category("web_tour.tours").add("account_dunning_fr_formal_notice", {
    steps: () => [
        {
            content: "Open the dunning tab",
            trigger: ".o_form_view .o_notebook .nav-link[name=dunning]",
            run: "click",
        },
        {
            content: "Prepare a formal notice",
            trigger: ".o_form_view button[name=action_dunning_formal_notice]",
            run: "click",
        },
        {
            content: "The overdue invoice is claimed",
            trigger: ".modal .o_field_widget[name=move_ids] .o_data_row",
        },
        ...CHECKLIST.map((fname) => ({
            content: `Tick ${fname}`,
            trigger: `.modal .o_field_widget[name=${fname}] input`,
            run: "check",
        })),
        {
            content: "Ten days to pay",
            trigger: ".modal .o_field_widget[name=deadline_days] input",
            run: "edit 10",
        },
        {
            content: "The registered letter's number",
            trigger: ".modal .o_field_widget[name=tracking_number] input",
            run: "edit 1A 123 456 7890 1",
        },
        {
            content: "Send",
            trigger: ".modal button[name=action_confirm]",
            run: "click",
        },
        {
            content: "The notice is recorded and done",
            trigger:
                "body:not(:has(.modal)) .o_form_view .o_statusbar_status button.o_arrow_button_current[data-value=done]",
        },
    ],
});
