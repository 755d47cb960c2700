/** @odoo-module */

import {Component} from "@odoo/owl";
import {_t} from "@web/core/l10n/translation";
import {registry} from "@web/core/registry";
import {standardFieldProps} from "@web/views/fields/standard_field_props";

// The eight channels of a dunning action, each with its icon; the labels are
// the fields' own (translated) strings.
const CHANNELS = [
    ["send_email", "fa-envelope"],
    ["send_letter", "fa-file-text-o"],
    ["send_registered_letter", "fa-certificate"],
    ["send_sms", "fa-mobile"],
    ["create_call", "fa-phone"],
    ["create_visit", "fa-handshake-o"],
    ["notify_salesperson", "fa-user"],
    ["credit_hold", "fa-ban"],
];

/**
 * The channels of an action in one cell: labelled badges of the channels
 * used; labelled toggles of all eight while the row is being edited.
 */
export class DunningChannelsField extends Component {
    static template = "account_dunning_fr.DunningChannelsField";
    static props = {...standardFieldProps};

    get editable() {
        // The cell is made writable in the view (readonly="0") where the
        // channels may be adjusted, e.g. the run wizard's preview.
        return this.props.record.isInEdition && !this.props.readonly;
    }

    get channels() {
        const record = this.props.record;
        return CHANNELS.map(([name, icon]) => ({
            name,
            icon,
            label: record.fields[name].string,
            active: Boolean(record.data[name]),
        }));
    }

    toggle(channel) {
        this.props.record.update({[channel.name]: !channel.active});
    }
}

registry.category("fields").add("dunning_channels", {
    component: DunningChannelsField,
    displayName: _t("Dunning channels"),
    supportedTypes: ["char"],
    // Wide enough for two or three labelled badges side by side.
    listViewWidth: [200, 340],
    fieldDependencies: CHANNELS.map(([name]) => ({name, type: "boolean"})),
});
