import { UserError } from "../cli/io.js";
export const spec = {
    name: "process-result",
    summary: "(not built yet)",
    options: [],
};
export async function run(_args, _io) {
    throw new UserError("'process-result' is not built yet");
}
