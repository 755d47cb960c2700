/** @odoo-module */

import {registry} from "@web/core/registry";
import {downloadSteps} from "@account_dunning_fr/../tests/tours/account_dunning_download_util";

// An accountant previews the day's reminders, leaves one out, executes and
// prints the letter.
registry.category("web_tour.tours").add("account_dunning_fr_run", {
    steps: () => [
        {
            content: "Preview the actions due today",
            trigger: ".modal button[name=action_preview]",
            run: "click",
        },
        {
            content: "Both customers are proposed",
            trigger: ".modal .o_data_row:nth-child(2) td[name=partner_id]",
        },
        {
            content: "Leave the second customer out",
            trigger: ".modal .o_data_row:nth-child(2) .o_list_record_remove",
            run: "click",
        },
        {
            content: "One line is left",
            trigger: ".modal .o_list_renderer:not(:has(.o_data_row ~ .o_data_row))",
        },
        {
            content: "Execute",
            trigger: ".modal button[name=action_execute]",
            run: "click",
        },
        {
            content: "The summary says one action was carried out",
            trigger: ".modal .alert-info span:contains(1)",
        },
        ...downloadSteps("Print the letter", ".modal button[name=action_print_batch]"),
        {
            content: "Then list the actions of the run",
            trigger: ".modal button[name=action_view_actions]:enabled",
            run: "click",
        },
        {
            content: "The executed action is listed",
            trigger: "body:not(:has(.modal)) .o_list_view .o_data_row",
        },
    ],
});
