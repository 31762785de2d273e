import { UserError } from "../cli/io.js";
export const spec = {
    name: "sweep",
    summary: "(not built yet)",
    options: [],
};
export async function run(_args, _io) {
    throw new UserError("'sweep' is not built yet");
}
