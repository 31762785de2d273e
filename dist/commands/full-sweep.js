import { UserError } from "../cli/io.js";
export const spec = {
    name: "full-sweep",
    summary: "(not built yet)",
    options: [],
};
export async function run(_args, _io) {
    throw new UserError("'full-sweep' is not built yet");
}
