/** @odoo-module */

import { registry } from "@web/core/registry";

// A salesperson opens their customer, reads the dunning tab, reports a visit,
// and finds no dunning configuration among their apps.
registry.category("web_tour.tours").add("account_dunning_fr_salesperson", {
    steps: () => [
        {
            content: "Open the dunning tab",
            trigger: ".o_form_view .o_notebook .nav-link[name=dunning]",
            run: "click",
        },
        {
            content: "The overdue amount is shown",
            trigger: ".o_form_view .o_field_widget[name=dunning_overdue_amount]:contains(000.00)",
        },
        {
            content: "Report a visit",
            trigger: ".o_form_view button[name=action_dunning_log_visit]",
            run: "click",
        },
        {
            content: "The customer was met",
            trigger: ".modal .o_field_widget[name=outcome] input[data-value=reached]",
            run: "click",
        },
        {
            content: "The invoice awaits approval",
            trigger: ".modal .o_field_widget[name=delay_reason] select",
            run: 'select "not_approved"',
        },
        {
            content: "Call back next week",
            trigger: ".modal .o_field_widget[name=next_call_date] input",
            run: "edit 03/27/2026 && press Enter",
        },
        {
            content: "What was said",
            trigger: ".modal .o_field_widget[name=notes] textarea",
            run: "edit Le bon à payer est chez le directeur.",
        },
        {
            content: "Save the visit",
            trigger: ".modal button[name=action_confirm]",
            run: "click",
        },
        {
            content: "Back on the customer",
            trigger: "body:not(:has(.modal)) .o_form_view .o_notebook .nav-link[name=dunning]",
        },
        {
            content: "Open the apps menu",
            trigger: ".o_navbar_apps_menu button",
            run: "click",
        },
        {
            content: "Discuss is there, Invoicing and its configuration are not",
            trigger: ".o-dropdown--menu:has(.o_app[data-menu-xmlid='mail.menu_root_discuss']):not(:has(.o_app[data-menu-xmlid='account.menu_finance']))",
        },
    ],
});
