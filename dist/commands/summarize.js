import { UserError } from "../cli/io.js";
export const spec = {
    name: "summarize",
    summary: "(not built yet)",
    options: [],
};
export async function run(_args, _io) {
    throw new UserError("'summarize' is not built yet");
}
