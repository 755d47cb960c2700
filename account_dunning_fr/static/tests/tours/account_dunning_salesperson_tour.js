/** @odoo-module */

import {registry} from "@web/core/registry";

// A salesperson logs in and lands on "My customers in dunning": their one
// customer in dunning with its level, next action and overdue total. They
// open it, read the dunning tab, report a visit, find it in the history, and
// find no dunning configuration among their apps.
registry.category("web_tour.tours").add("account_dunning_fr_salesperson", {
    steps: () => [
        {
            content: "The salesperson lands on their customers in dunning",
            trigger: ".o_breadcrumb .active:contains(My customers in dunning)",
        },
        {
            content: "Only their customer in dunning is listed",
            trigger:
                ".o_list_view .o_list_renderer:has(.o_data_row):not(:has(.o_data_row ~ .o_data_row))",
        },
        {
            content: "Its dunning level",
            trigger:
                ".o_data_row td[name=dunning_level_id]:contains(Politique de test › Relance 1)",
        },
        {
            content: "Its next action",
            trigger: ".o_data_row td[name=dunning_next_date]:contains(03/14/2026)",
        },
        {
            content: "Its overdue total",
            trigger: ".o_data_row td[name=dunning_overdue_amount]:contains(1,000.00)",
        },
        {
            content: "Open the customer",
            trigger: ".o_data_row td[name=name]:contains(Transports Moreau SAS)",
            run: "click",
        },
        {
            content: "Open the dunning tab",
            trigger: ".o_form_view .o_notebook .nav-link[name=dunning]",
            run: "click",
        },
        {
            content: "The overdue amount is shown",
            trigger:
                ".o_form_view .o_field_widget[name=dunning_overdue_amount]:contains(1,000.00)",
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
            content: "Back on the customer, the visit is in its history",
            trigger:
                "body:not(:has(.modal)) .o_form_view .o_field_widget[name=dunning_action_ids] .o_data_row .o_dunning_create_visit",
        },
        {
            content: "Open the full history",
            trigger: ".o_form_view .oe_stat_button[name=action_view_dunning_actions]",
            run: "click",
        },
        {
            content: "The history lists the visit beside the reminders",
            trigger:
                ".o_list_view .o_data_row:has(.o_dunning_create_visit) ~ .o_data_row:has(.o_dunning_send_email), .o_list_view .o_data_row:has(.o_dunning_send_email) ~ .o_data_row:has(.o_dunning_create_visit)",
        },
        {
            content: "Open the apps menu",
            trigger: ".o_navbar_apps_menu button",
            run: "click",
        },
        {
            content:
                "Their customers and Discuss are there, Invoicing and its configuration are not",
            trigger:
                ".o-dropdown--menu:has(.o_app[data-menu-xmlid='account_dunning_fr.account_dunning_my_customers_menu']):has(.o_app[data-menu-xmlid='mail.menu_root_discuss']):not(:has(.o_app[data-menu-xmlid='account.menu_finance']))",
        },
    ],
});

// The same salesperson types the address of the dunning policies: the
// server refuses to read them and nothing is listed.
registry.category("web_tour.tours").add("account_dunning_fr_salesperson_no_config", {
    steps: () => [
        {
            content: "Access is refused",
            trigger:
                ".modal:contains(Access Error), .modal:contains(not allowed to access)",
        },
        {
            content: "No policy is listed",
            trigger: "body:not(:has(.o_data_row))",
        },
    ],
});
