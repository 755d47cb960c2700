/** @odoo-module */

import {registry} from "@web/core/registry";

/**
 * One level added through the levels list: its dialog filled, then saved.
 * @param {Object} level name, sequence, days (after the due date), channels
 *   (boolean field names to tick), extra (more steps inside the dialog)
 */
function addLevel({name, sequence, days, channels, extra = []}) {
    return [
        {
            content: `Add the level “${name}”`,
            trigger: ".o_field_widget[name=level_ids] .o_field_x2many_list_row_add a",
            run: "click",
        },
        {
            content: "Name the level",
            trigger: ".modal .o_field_widget[name=name] input",
            run: `edit ${name}`,
        },
        {
            content: "Its place in the policy",
            trigger: ".modal .o_field_widget[name=sequence] input",
            run: `edit ${sequence}`,
        },
        {
            content: "Days after the due date",
            trigger: ".modal .o_field_widget[name=delay_days] input",
            run: `edit ${days}`,
        },
        ...channels.map((channel) => ({
            content: `Tick ${channel}`,
            trigger: `.modal .o_field_widget[name=${channel}] input`,
            run: "check",
        })),
        ...extra,
        {
            content: "Save the level",
            trigger: ".modal .o_form_button_save:enabled",
            run: "click",
        },
        {
            content: "The level is listed",
            trigger: `body:not(:has(.modal)) .o_field_widget[name=level_ids] .o_data_row td[name=name]:contains(${name})`,
        },
    ];
}

// An administrator writes a three-step policy for bad payers.
registry.category("web_tour.tours").add("account_dunning_fr_policy", {
    steps: () => [
        {
            content: "Name the policy",
            trigger: ".o_form_view .o_field_widget[name=name] input",
            run: "edit Clients difficiles",
        },
        {
            content: "It applies to bad payers",
            trigger: ".o_form_view .o_field_widget[name=payer_profile] select",
            run: 'select "bad"',
        },
        {
            content: "Save it before adding its levels",
            trigger: ".o_form_view .o_form_button_save:enabled",
            run: "click",
        },
        {
            content: "Saved",
            trigger: ".o_form_view .o_form_saved",
        },
        ...addLevel({
            name: "Relance courtoise",
            sequence: 10,
            days: 3,
            channels: ["send_email"],
        }),
        ...addLevel({
            name: "Appel du comptable",
            sequence: 20,
            days: 15,
            channels: ["create_call"],
        }),
        ...addLevel({
            name: "Mise en demeure LRAR",
            sequence: 30,
            days: 30,
            channels: ["send_registered_letter", "is_formal_notice"],
        }),
        {
            content: "Three levels",
            trigger: ".o_field_widget[name=level_ids] .o_data_row:nth-child(3)",
        },
        {
            content: "Save the policy",
            trigger: ".o_form_view .o_form_button_save:enabled",
            run: "click",
        },
        {
            content: "Saved with its levels",
            trigger:
                ".o_form_view .o_form_saved .o_field_widget[name=level_ids] .o_data_row:nth-child(3)",
        },
    ],
});
