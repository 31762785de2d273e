import { UserError } from "../cli/io.js";
export const spec = {
    name: "bench",
    summary: "(not built yet)",
    options: [],
};
export async function run(_args, _io) {
    throw new UserError("'bench' is not built yet");
}
