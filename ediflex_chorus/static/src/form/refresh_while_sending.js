import { registry } from "@web/core/registry";
import { standardWidgetProps } from "@web/views/widgets/standard_widget_props";
import { Component, onWillDestroy } from "@odoo/owl";

// While a deposit is on its way (the sending cron runs after the click's commit), the open form reads the record
// again every few seconds, so that the outcome shows without a manual refresh. It stops once the deposit left
// the queue, after a few minutes, or when the person is editing.
export const POLL_MS = 3000;
export const POLL_LIMIT = 60;
const ON_ITS_WAY = ["to_send"];

export class RefreshWhileSending extends Component {
    static template = "ediflex_chorus.RefreshWhileSending";
    static props = { ...standardWidgetProps, field: { type: String, optional: true } };

    setup() {
        this.polls = 0;
        this.timer = setInterval(() => this.poll(), POLL_MS);
        onWillDestroy(() => clearInterval(this.timer));
    }

    get pending() {
        const record = this.props.record;
        const value = record.data[this.props.field || "state"];
        return value === true || ON_ITS_WAY.includes(value);
    }

    async poll() {
        const record = this.props.record;
        if (!this.pending || this.polls >= POLL_LIMIT || record.dirty || record.isNew) {
            return;
        }
        this.polls += 1;
        await record.load();
    }
}

registry.category("view_widgets").add("ediflex_refresh_while_sending", {
    component: RefreshWhileSending,
    extractProps: ({ attrs }) => ({ field: attrs.field }),
});
