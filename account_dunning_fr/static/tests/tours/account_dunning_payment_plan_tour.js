/** @odoo-module */

import {registry} from "@web/core/registry";
import {downloadSteps} from "@account_dunning_fr/../tests/tours/account_dunning_download_util";

// From the customer's form, the accountant spreads the overdue amount over
// three instalments after a down payment, prints the agreement and starts it.
registry.category("web_tour.tours").add("account_dunning_fr_payment_plan", {
    steps: () => [
        {
            content: "Open the dunning tab",
            trigger: ".o_form_view .o_notebook .nav-link[name=dunning]",
            run: "click",
        },
        {
            content: "Propose a payment plan",
            trigger: ".o_form_view button[name=action_dunning_create_payment_plan]",
            run: "click",
        },
        {
            content: "A down payment of 100",
            trigger: ".modal .o_field_widget[name=down_payment] input",
            run: "edit 100",
        },
        {
            content: "Three instalments",
            trigger: ".modal .o_field_widget[name=instalment_count] input",
            run: "edit 3",
        },
        {
            content: "The overdue invoice is in the plan",
            trigger: ".modal .o_field_widget[name=move_ids] .o_data_row",
        },
        {
            content: "Create the plan",
            trigger: ".modal button[name=action_create]",
            run: "click",
        },
        {
            content: "The plan shows its schedule",
            trigger:
                "body:not(:has(.modal)) .o_form_view .o_field_widget[name=line_ids] .o_data_row:nth-child(4)",
        },
        ...downloadSteps(
            "Print the agreement",
            ".o_form_view .o_statusbar_buttons button[name=action_print_agreement]"
        ),
        {
            content: "The customer signed it",
            trigger: ".o_form_view .o_field_widget[name=signed_date] input",
            run: "edit 03/22/2026 && press Enter",
        },
        {
            content: "Start the plan",
            trigger:
                ".o_form_view .o_statusbar_buttons button[name=action_start]:enabled",
            run: "click",
        },
        {
            content: "The plan runs",
            trigger:
                ".o_form_view .o_statusbar_status button.o_arrow_button_current[data-value=running]",
        },
    ],
});
