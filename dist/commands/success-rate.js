import { UserError } from "../cli/io.js";
export const spec = {
    name: "success-rate",
    summary: "(not built yet)",
    options: [],
};
export async function run(_args, _io) {
    throw new UserError("'success-rate' is not built yet");
}
