import { registry } from "@web/core/registry";
import { graphView } from "@web/views/graph/graph_view";
import { GraphRenderer } from "@web/views/graph/graph_renderer";

// The colours of the deposit states, as the list's decorations and the form's badge show them: waiting in
// orange and yellow, sent in blue, through in green, failed in red, withdrawn in grey. Odoo's graph would paint
// each state with the next colour of its palette, whatever it means ("Reçu" red, "Rejeté" green).
export const STATE_COLOURS = {
    to_send: "#e9a23b",
    waiting: "#f5c542",
    sent: "#3a9fc7",
    received: "#5cb85c",
    done: "#2e7d32",
    error: "#d9534f",
    rejected: "#b52a26",
    refused: "#7f1d1d",
    cancelled: "#adb5bd",
};

export class DepositGraphRenderer extends GraphRenderer {
    /** The state of each label the graph shows, whichever grouping puts the states there. */
    stateColour(label) {
        const selection = this.model.metaData.fields.state?.selection || [];
        const state = selection.find(([, name]) => name === label);
        return state && STATE_COLOURS[state[0]];
    }

    getBarChartData() {
        const data = super.getBarChartData();
        const byLabel = data.labels.map((label) => this.stateColour(label));
        for (const dataset of data.datasets) {
            const colour = this.stateColour(dataset.label);
            if (colour) {
                dataset.backgroundColor = colour; // states as the series (grouped by month, then state)
            } else if (byLabel.some(Boolean) && dataset.type !== "line") {
                dataset.backgroundColor = byLabel.map((c, i) => c || dataset.backgroundColor); // states on the axis
            }
        }
        return data;
    }

    /** The legend shows the very colours of the bars and slices (Odoo's draws an array of colours black). */
    getLegendOptions() {
        const options = super.getLegendOptions();
        const generate = options.labels?.generateLabels;
        if (!generate) {
            return options;
        }
        options.labels.generateLabels = (chart) => {
            const items = generate(chart);
            const datasets = chart.data.datasets;
            if (this.model.metaData.mode === "pie") {
                return items.map((item) => ({ ...item, fillStyle: this.stateColour(item.fullText) || item.fillStyle }));
            }
            if (datasets.length === 1 && Array.isArray(datasets[0].backgroundColor)) {
                // The states on the axis, one bar each: one legend line per state, in its colour.
                return chart.data.labels.map((label, index) => ({
                    ...items[0],
                    text: label,
                    fullText: label,
                    fillStyle: datasets[0].backgroundColor[index],
                    strokeStyle: datasets[0].backgroundColor[index],
                }));
            }
            return items.map((item) =>
                Array.isArray(item.fillStyle)
                    ? { ...item, fillStyle: item.fillStyle[0], strokeStyle: item.fillStyle[0] }
                    : item
            );
        };
        return options;
    }

    getPieChartData() {
        const data = super.getPieChartData();
        const colours = data.labels.map((label) => this.stateColour(label));
        if (colours.some(Boolean)) {
            for (const dataset of data.datasets) {
                const painted = colours.map((c, i) => c || dataset.backgroundColor[i]);
                dataset.backgroundColor = painted;
                dataset.hoverBackgroundColor = painted;
            }
        }
        return data;
    }
}

registry.category("views").add("ediflex_deposit_graph", { ...graphView, Renderer: DepositGraphRenderer });
