// GET /2.0/users/me: who the bearer token belongs to.
import type { FastifyInstance } from 'fastify';
import type { EmulatorContext } from '../context.js';
import { sendJson } from '../http.js';
import { userStandard } from '../represent.js';

export default async function usersRoutes(app: FastifyInstance, ctx: EmulatorContext): Promise<void> {
  app.get('/2.0/users/me', async (request, reply) => sendJson(reply, 200, userStandard(ctx.core.requireUser(request.boxUserId))));
}
