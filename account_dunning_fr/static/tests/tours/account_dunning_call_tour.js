/** @odoo-module */

import {registry} from "@web/core/registry";

// The accountant takes the call activity of a reminder and records the
// customer's promise to pay.
registry.category("web_tour.tours").add("account_dunning_fr_call", {
    steps: () => [
        {
            content: "The reminder carries its call activity",
            trigger: ".o-mail-Activity:contains(Dunning call)",
        },
        {
            content: "Log the call",
            trigger:
                ".o_form_view .o_statusbar_buttons button[name=action_dunning_log_call]",
            run: "click",
        },
        {
            content: "The customer answered",
            trigger: ".modal .o_field_widget[name=outcome] input[data-value=reached]",
            run: "click",
        },
        {
            content: "They were short of cash",
            trigger: ".modal .o_field_widget[name=delay_reason] select",
            run: 'select "cash"',
        },
        {
            content: "They promise to pay on 20 March",
            trigger: ".modal .o_field_widget[name=promise_date] input",
            run: "edit 03/20/2026 && press Enter",
        },
        {
            content: "The amount promised",
            trigger: ".modal .o_field_widget[name=promise_amount] input",
            run: "edit 1000",
        },
        {
            content: "By transfer",
            trigger: ".modal .o_field_widget[name=promise_means] select",
            run: 'select "transfer"',
        },
        {
            content: "Call back after the promised date",
            trigger: ".modal .o_field_widget[name=next_call_date] input",
            run: "edit 03/25/2026 && press Enter",
        },
        {
            content: "What was said",
            trigger: ".modal .o_field_widget[name=notes] textarea",
            run: "edit Le trésorier attend un encaissement.",
        },
        {
            content: "Save the outcome",
            trigger: ".modal button[name=action_confirm]",
            run: "click",
        },
        {
            content: "The call activity is done",
            trigger:
                "body:not(:has(.modal)) .o_form_view:not(:has(.o-mail-Activity:contains(Dunning call)))",
        },
    ],
});
