import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import {
  FitBody,
  FitSchema,
  PredictionSchema,
  RefreshBody,
  RefreshResult,
} from '../../predict/predict-contract.ts';
import {
  customerPrediction,
  fitAndCheck,
  latestFit,
  refreshPredictions,
} from '../../predict/predict-service.ts';
import { NotFoundError } from '../../shared/errors.ts';
import { todayIn } from '../../shared/local-date.ts';
import { callerOf } from '../auth.ts';
import type { ApiContext } from '../context.ts';
import { CustomerParams, ERRORS } from '../schemas.ts';

/** The customer-base models: the latest fit, a fit checked on a split, a refresh, a customer's prediction. */
export const predictRoutes: FastifyPluginAsyncZod<ApiContext> = async (app, { store }) => {
  const db = store.db;

  app.get(
    '/predict/fit',
    {
      config: { permission: 'read' },
      schema: {
        tags: ['predict'],
        summary: 'The latest fit: parameters, log-likelihood and its calibration/holdout check',
        response: { 200: FitSchema, ...ERRORS },
      },
    },
    async (request) => {
      const fit = await latestFit(db, callerOf(request).workspace.id);
      if (!fit) throw new NotFoundError('no fit yet: the worker fits daily, or POST /predict/refresh');
      return fit;
    },
  );

  app.post(
    '/predict/fit',
    {
      config: { permission: 'segments.write' },
      schema: {
        tags: ['predict'],
        summary: 'Fit on purchases up to a calibration end and compare with the purchases after it',
        body: FitBody,
        response: { 200: FitSchema, ...ERRORS },
      },
    },
    async (request) => {
      const caller = callerOf(request);
      const b = request.body;
      return fitAndCheck(store, caller.workspace, caller.actor, {
        calibrationEnd: b.calibration_end ?? todayIn(caller.workspace.timezone),
        model: b.model,
        unit: b.unit,
      });
    },
  );

  app.post(
    '/predict/refresh',
    {
      config: { permission: 'segments.write' },
      schema: {
        tags: ['predict'],
        summary: 'Refit and store every customer’s prediction now (the worker does it daily)',
        body: RefreshBody,
        response: { 200: RefreshResult, ...ERRORS },
      },
    },
    async (request) => {
      const caller = callerOf(request);
      const b = request.body;
      const done = await refreshPredictions(store, caller.workspace, {
        asOf: b.as_of ?? todayIn(caller.workspace.timezone),
        horizonDays: b.horizon_days,
        actor: caller.actor,
      });
      return { fit: done.fit, customers: done.predictions.length, horizon_days: done.horizonDays };
    },
  );

  app.get(
    '/customers/:customerId/prediction',
    {
      config: { permission: 'read' },
      schema: {
        tags: ['predict'],
        summary: 'A customer’s P(alive), expected purchases, spend, CLV and next order date',
        params: CustomerParams,
        response: { 200: PredictionSchema, ...ERRORS },
      },
    },
    async (request) => customerPrediction(db, callerOf(request).workspace.id, request.params.customerId),
  );
};
