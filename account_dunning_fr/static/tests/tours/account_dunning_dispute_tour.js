/** @odoo-module */

import {registry} from "@web/core/registry";

// The accountant records a customer's dispute on an invoice, then settles it.
registry.category("web_tour.tours").add("account_dunning_fr_dispute", {
    steps: () => [
        {
            content: "The customer",
            trigger: ".o_form_view .o_field_widget[name=partner_id] input",
            run: "edit Transports Moreau",
        },
        {
            content: "Pick the customer",
            trigger: ".o-autocomplete--dropdown-item a:contains(Transports Moreau SAS)",
            run: "click",
        },
        {
            content: "A quantity is contested",
            trigger: ".o_form_view .o_field_widget[name=reason_type] select",
            run: 'select "quantity"',
        },
        {
            content: "What the customer says",
            trigger: ".o_form_view .o_field_widget[name=reason] :is(input, textarea)",
            run: "edit Deux palettes manquent à la livraison",
        },
        {
            content: "Add the disputed invoice",
            trigger:
                ".o_form_view .o_field_widget[name=move_ids] .o_field_x2many_list_row_add a",
            run: "click",
        },
        {
            content: "Choose the customer's invoice",
            trigger: ".modal .o_data_row .o_data_cell",
            run: "click",
        },
        {
            content: "The invoice is listed",
            trigger:
                "body:not(:has(.modal)) .o_field_widget[name=move_ids] .o_data_row",
        },
        {
            content: "Save the dispute",
            trigger: ".o_form_view .o_form_button_save:enabled",
            run: "click",
        },
        {
            content: "The invoice is now blocked",
            trigger:
                ".o_form_saved .o_field_widget[name=move_ids] td[name=dunning_blocked] input:checked",
        },
        {
            content: "How it was settled",
            trigger:
                ".o_form_view .o_field_widget[name=resolution] :is(input, textarea)",
            run: "edit Avoir de deux palettes accordé",
        },
        {
            content: "Resolve",
            trigger: ".o_form_view .o_statusbar_buttons button[name=action_resolve]",
            run: "click",
        },
        {
            content: "Resolved",
            trigger:
                ".o_form_view .o_statusbar_status button.o_arrow_button_current[data-value=resolved]",
        },
        {
            content: "The invoice is released",
            trigger:
                ".o_form_saved .o_field_widget[name=move_ids] td[name=dunning_blocked] input:not(:checked)",
        },
    ],
});
