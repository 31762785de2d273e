import { UserError } from "../cli/io.js";
export const spec = {
    name: "runner-model-sweep",
    summary: "(not built yet)",
    options: [],
};
export async function run(_args, _io) {
    throw new UserError("'runner-model-sweep' is not built yet");
}
