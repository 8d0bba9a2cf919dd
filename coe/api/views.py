"""API views for the CoE's own records: thin, scoped by selectors, writes through services."""

from __future__ import annotations

import django_filters
from django.contrib.auth import authenticate, get_user_model
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.exceptions import AuthenticationFailed
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.throttling import AnonRateThrottle
from rest_framework.views import APIView

from coe import selectors, services
from coe.api.serializers import DepartmentSerializer, PersonSerializer, TokenRequestSerializer, TokenSerializer
from coe.models import Department
from coe.roles import Role


class DepartmentFilter(django_filters.FilterSet):
    name = django_filters.CharFilter(lookup_expr="icontains")

    class Meta:
        model = Department
        fields = ["name", "lead"]


class DepartmentViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    """Departments: everyone may read; a CoE manager creates and edits; a lead edits the description."""

    serializer_class = DepartmentSerializer
    filterset_class = DepartmentFilter
    search_fields = ["name", "description"]
    ordering_fields = ["name", "member_count"]
    lookup_field = "slug"
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    def get_queryset(self):
        return selectors.departments_list(user=self.request.user)

    def perform_create(self, serializer):
        serializer.instance = services.department_create(actor=self.request.user, **serializer.validated_data)

    def perform_update(self, serializer):
        serializer.instance = services.department_update(
            actor=self.request.user, department=serializer.instance, changes=serializer.validated_data
        )

    def perform_destroy(self, instance):
        services.department_delete(actor=self.request.user, department=instance)


class PersonFilter(django_filters.FilterSet):
    role = django_filters.ChoiceFilter(choices=Role.choices, method="filter_role")
    department = django_filters.CharFilter(field_name="departments__slug")

    class Meta:
        model = get_user_model()
        fields = ["role", "department", "is_active"]

    def filter_role(self, queryset, name, value):
        return queryset.filter(groups__name=Role(value).group_name)


class PersonViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.UpdateModelMixin, viewsets.GenericViewSet):
    """People the caller may see. A CoE manager sets roles, departments and active state."""

    serializer_class = PersonSerializer
    filterset_class = PersonFilter
    search_fields = ["username", "first_name", "last_name", "email"]
    ordering_fields = ["username", "last_name", "date_joined"]
    http_method_names = ["get", "patch", "head", "options"]

    def get_queryset(self):
        return selectors.people_list(user=self.request.user)

    def perform_update(self, serializer):
        serializer.instance = services.person_update(
            actor=self.request.user, person=serializer.instance, changes=serializer.validated_data
        )


class MeView(APIView):
    """The signed-in person's own profile."""

    @extend_schema(responses=PersonSerializer)
    def get(self, request):
        me = selectors.person_get(user=request.user, pk=request.user.pk)
        return Response(PersonSerializer(me, context={"request": request}).data)

    @extend_schema(request=PersonSerializer, responses=PersonSerializer)
    def patch(self, request):
        serializer = PersonSerializer(request.user, data=request.data, partial=True, context={"request": request})
        serializer.is_valid(raise_exception=True)
        services.person_update(actor=request.user, person=request.user, changes=serializer.validated_data)
        me = selectors.person_get(user=request.user, pk=request.user.pk)
        return Response(PersonSerializer(me, context={"request": request}).data)


class MyTokenView(APIView):
    """Replace the caller's API token (the old one stops working)."""

    @extend_schema(request=None, responses={201: TokenSerializer})
    def post(self, request):
        token = services.api_token_regenerate(user=request.user)
        return Response({"token": token.key}, status=status.HTTP_201_CREATED)


class ObtainTokenView(APIView):
    """Exchange a username and password for an API token. Failed attempts count towards the
    sign-in lockout like the login page's."""

    permission_classes = [AllowAny]
    authentication_classes: list = []
    throttle_classes = [AnonRateThrottle]

    def get_authenticate_header(self, request) -> str:
        return "Token"  # so a refused sign-in is 401 (try again), not 403

    @extend_schema(request=TokenRequestSerializer, responses={200: TokenSerializer})
    def post(self, request):
        serializer = TokenRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        user = authenticate(request._request, **serializer.validated_data)
        if user is None or not user.is_active:
            raise AuthenticationFailed("The username or password is not correct.")
        token = services.api_token_get_or_create(user=user)
        return Response({"token": token.key})
